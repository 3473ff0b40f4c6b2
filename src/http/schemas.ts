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

/** A unit in the list, with its memberships counted (all, and those a sync manages). */
export const unitListView = unitView.extend({
  memberCount: z.number().int(),
  managedMemberCount: z.number().int(),
});

/** `GET /auth/me`: the signed-in administrator and organisation. */
export const sessionView = z.object({
  email: z.string(),
  organization: z.object({ id: z.string(), name: z.string() }),
});

/** The users list's filters (`GET /users`, `/users/counts`, `/users/export.csv`). */
export const userFilterQuery = z.object({
  status: z.enum(['active', 'deactivated']).optional(),
  assignment: z.enum(['unassigned']).optional(),
  email: z.string().trim().min(1).max(320).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  /** Substring of the full name or email, case- and accent-insensitive. */
  search: z.string().trim().min(1).max(200).optional(),
  unitId: z.uuid().optional(),
  userTypeId: z.uuid().optional(),
  integrationId: z.uuid().optional(),
});

/** One keyset page of users. */
export const userPageView = z.object({
  items: z.array(userView),
  nextCursor: z.string().nullable(),
});

/** Totals of the users tabs under the same filters. */
export const userCountsView = z.object({
  all: z.number(),
  unassigned: z.number(),
  deactivated: z.number(),
});

/** `POST /auth/login`. */
export const loginBody = z.strictObject({
  email: emailSchema,
  password: z.string().min(1).max(1024),
});

/** `POST /users`: a platform user (linked at once to a known Entra user with that email). */
export const createUserBody = z.strictObject({
  firstName: nameSchema,
  lastName: nameSchema,
  email: emailSchema,
});

/** `PATCH /users/:id`: names or email. */
export const updateUserBody = z.strictObject({
  firstName: nameSchema.optional(),
  lastName: nameSchema.optional(),
  email: emailSchema.optional(),
});

/** `PUT /users/:id/memberships/:unitId`: a manual membership's user types. */
export const membershipBody = z.strictObject({ userTypeIds: z.array(z.uuid()).max(200) });

/** `POST /units`: at the top, or under `parentId`. */
export const createUnitBody = z.strictObject({
  name: nameSchema,
  parentId: z.uuid().nullable().optional(),
});

/** `PATCH /units/:id`: rename and/or move (`parentId` null moves it to the top). */
export const updateUnitBody = z.strictObject({
  name: nameSchema.optional(),
  parentId: z.uuid().nullable().optional(),
});

export const createUserTypeBody = z.strictObject({ name: nameSchema });
export const renameUserTypeBody = z.strictObject({ name: nameSchema.optional() });

export const errorView = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
