import { z } from 'zod';
import { fields } from '../integrations/settings.ts';
import { nameSchema } from './schemas.ts';

/**
 * The contract of impact before commit (issue 17): the server validates and serialises with
 * these and the panel takes its types from them (`import type`), so nothing is declared twice.
 */

export const impactView = z.object({
  moved: z.number().int(),
  unassigned: z.number().int(),
  placed: z.number().int(),
  deactivated: z.number().int(),
  reactivated: z.number().int(),
  created: z.number().int(),
  unassignedUsers: z.array(
    z.object({ subject: z.string(), userId: z.string().nullable(), reason: z.string().nullable() }),
  ),
  wouldHold: z.boolean(),
  /** The chosen scope groups' members are read by the next run: the counts leave them out. */
  scopePending: z.boolean(),
  /** Set when the unit name is already used: the users of that value become unassigned. */
  duplicateName: z.string().nullable(),
});

/**
 * `POST /integrations/:id/impact`: the settings being saved that change who is placed where,
 * and the guard's thresholds.
 */
export const settingsImpactBody = z.strictObject({
  unitField: fields.unitField.optional(),
  userTypeField: fields.userTypeField.optional(),
  includeGuests: fields.includeGuests.optional(),
  deactivateDisabledUsers: fields.deactivateDisabledUsers.optional(),
  exclusionRules: fields.exclusionRules.optional(),
  scopeMode: fields.scopeMode.optional(),
  scopeGroups: fields.scopeGroups.optional(),
  deletionThreshold: fields.deletionThreshold.optional(),
  unassignmentThreshold: fields.unassignmentThreshold.optional(),
});

/** `POST /units/impact`. */
export const unitImpactBody = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('create'),
    name: nameSchema,
    parentId: z.uuid().nullable().optional(),
  }),
  z.strictObject({ action: z.literal('rename'), unitId: z.uuid(), name: nameSchema }),
  z.strictObject({ action: z.literal('move'), unitId: z.uuid(), parentId: z.uuid().nullable() }),
  z.strictObject({ action: z.literal('delete'), unitId: z.uuid() }),
]);

/** `POST /user-types/impact`. */
export const userTypeImpactBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('create'), name: nameSchema }),
  z.strictObject({ action: z.literal('rename'), userTypeId: z.uuid(), name: nameSchema }),
  z.strictObject({ action: z.literal('delete'), userTypeId: z.uuid() }),
]);
