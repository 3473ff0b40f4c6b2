import { z } from 'zod';
import { MATCH_FIELDS } from '../integrations/match-fields.ts';

/**
 * The contract of the field preview (SPEC §5.15): the server validates and serialises with
 * these and the panel takes its types from them (`import type`), so nothing is declared twice.
 */

const unitOutcome = z.enum(['matched', 'no-unit', 'ambiguous', 'several-units', 'empty']);

export const fieldPreviewBody = z.strictObject({
  unitField: z.enum(MATCH_FIELDS),
  userTypeField: z.enum(MATCH_FIELDS),
});

export const fieldPreviewView = z.object({
  source: z.enum(['mirror', 'graph-sample']),
  sampled: z.boolean(),
  users: z.number().int(),
  unit: z.object({
    field: z.enum(MATCH_FIELDS),
    matchedUsers: z.number().int(),
    distinctValues: z.number().int(),
    untrackedUsers: z.number().int(),
    values: z.array(
      z.object({
        value: z.string().nullable(),
        users: z.number().int(),
        outcome: unitOutcome,
        unitId: z.string().nullable(),
        reason: z.string().nullable(),
      }),
    ),
  }),
  userTypes: z.object({
    field: z.enum(MATCH_FIELDS),
    matchedUsers: z.number().int(),
    distinctValues: z.number().int(),
    untrackedUsers: z.number().int(),
    values: z.array(
      z.object({
        value: z.string().nullable(),
        users: z.number().int(),
        parts: z.array(z.object({ name: z.string(), matched: z.boolean() })),
      }),
    ),
  }),
  rates: z.array(
    z.object({
      field: z.enum(MATCH_FIELDS),
      unitMatched: z.number().int(),
      userTypeMatched: z.number().int(),
    }),
  ),
  recommendation: z
    .object({ unitField: z.enum(MATCH_FIELDS), userTypeField: z.enum(MATCH_FIELDS) })
    .nullable(),
});

export type FieldPreviewBody = z.infer<typeof fieldPreviewBody>;
export type FieldPreviewView = z.infer<typeof fieldPreviewView>;
export type UnitOutcomeView = z.infer<typeof unitOutcome>;
