import { z } from 'zod';

/** Zod schemas shared by the directory routes: request pieces and response views. */

/** Names of units, user types and people: trimmed, 1–200 characters. */
export const nameSchema = z.string().trim().min(1).max(200);

export const emailSchema = z.email().max(320);

/** `:id` path parameter; a malformed id answers 400 naming `id`, never 500. */
export const idParams = z.strictObject({ id: z.uuid() });

export const unitView = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  createdAt: z.string(),
});

export const userTypeView = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
});

export const membershipView = z.object({
  unitId: z.string(),
  userTypeIds: z.array(z.string()),
  /** The integration managing this membership, or null for a manual one. */
  managedBy: z.string().nullable(),
});

/** A user as the API shows it (SPEC §6). Plain object: extra domain fields are dropped. */
export const userView = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  status: z.enum(['active', 'deactivated']),
  deactivatedAt: z.string().nullable(),
  deactivationReason: z
    .enum(['admin', 'source-deleted', 'source-disabled', 'source-out-of-scope'])
    .nullable(),
  purgeAfter: z.string().nullable(),
  assigned: z.boolean(),
  source: z.object({ integrationId: z.string(), externalId: z.string() }).nullable(),
  memberships: z.array(membershipView),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** SPEC §5.15: why a synced user is placed or unassigned (GET /users/:id only). */
export const syncExplanationView = z.object({
  integrationId: z.string(),
  entra: z.record(z.string(), z.union([z.string(), z.boolean(), z.null()])),
  entraChangedAt: z.string().nullable(),
  excluded: z.string().nullable(),
  unit: z.object({
    field: z.string(),
    value: z.string().nullable(),
    outcome: z.enum(['matched', 'no-unit', 'ambiguous', 'several-units', 'empty']),
    unitId: z.string().nullable(),
    reason: z.string().nullable(),
  }),
  userTypes: z.object({
    field: z.string(),
    value: z.string().nullable(),
    matched: z.array(z.string()),
    unmatched: z.array(z.string()),
  }),
});

/** One user with the explanation of its synchronisation (null when no integration links it). */
export const userDetailView = userView.extend({ sync: syncExplanationView.nullable() });

export const errorView = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
