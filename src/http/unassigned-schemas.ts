import { z } from 'zod';
import { MATCH_FIELDS } from '../integrations/match-fields.ts';
import { userFilterQuery, userView } from './schemas.ts';

/**
 * The contract of the grouped Unassigned tab (issue 13), shared with the panel as types
 * (`import type`), so the two cannot drift apart.
 */

export const unassignedGroupView = z.object({
  key: z.string(),
  kind: z.enum([
    'no-unit',
    'ambiguous-unit',
    'several-units',
    'unit-empty',
    'no-user-type',
    'user-type-empty',
    'excluded',
    'pending',
    'not-mirrored',
    'platform',
  ]),
  integrationId: z.string().nullable(),
  field: z.enum(MATCH_FIELDS).nullable(),
  value: z.string().nullable(),
  label: z.string(),
  action: z
    .object({ type: z.enum(['create-unit', 'create-user-type']), name: z.string() })
    .nullable(),
  users: z.number().int(),
});

export const unassignedGroupsView = z.object({
  totalUsers: z.number().int(),
  groups: z.array(unassignedGroupView),
  otherUsers: z.number().int(),
});

/** The users list's filters, which the groups honour like the Unassigned tab does. */
export const unassignedGroupsQuery = userFilterQuery.omit({ status: true, assignment: true });

export const groupUsersQuery = unassignedGroupsQuery.extend({
  /** The group's `key`; without one the answer is empty. */
  key: z.string().min(1).max(600).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().min(1).max(200).optional(),
});

export const groupUsersView = z.object({
  items: z.array(userView),
  nextCursor: z.string().nullable(),
});

export type UnassignedGroupView = z.infer<typeof unassignedGroupView>;
export type UnassignedGroupsView = z.infer<typeof unassignedGroupsView>;
export type GroupUsersView = z.infer<typeof groupUsersView>;
export type UnassignedGroupsQuery = z.input<typeof unassignedGroupsQuery>;
