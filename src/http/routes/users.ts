import { Readable } from 'node:stream';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { DirectoryHooks } from '../../directory/hooks.ts';
import { deleteManualMembership, setManualMembership } from '../../directory/memberships.ts';
import { getUserWithMemberships } from '../../directory/user-details.ts';
import { explainUser } from '../../sync/explain-user.ts';
import { countTabs, listUsers, MAX_PAGE_SIZE } from '../../directory/user-listing.ts';
import { usersCsv } from '../users-export.ts';
import { createUser, deactivateUser, reactivateUser, updateUser } from '../../directory/users.ts';
import {
  createUserBody,
  idParams,
  membershipBody,
  updateUserBody,
  userCountsView,
  userDetailView,
  userFilterQuery,
  userPageView,
  userView,
} from '../schemas.ts';
import { principalOf, type ApiApp } from '../types.ts';
import { unassignedGroups, unassignedGroupUsers } from '../../sync/unassigned-groups.ts';
import {
  groupUsersQuery,
  groupUsersView,
  unassignedGroupsQuery,
  unassignedGroupsView,
} from '../unassigned-schemas.ts';

const tags = ['users'];

const membershipParams = z.strictObject({ id: z.uuid(), unitId: z.uuid() });

const filterQuery = userFilterQuery;

const listQuery = filterQuery.extend({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  cursor: z.string().min(1).max(200).optional(),
});

/**
 * Users: keyset-paged listing with filters, create (calling `hooks.afterUserCreated` in the
 * same transaction), read, edit, deactivate/reactivate and manual memberships.
 */
export function registerUserRoutes(app: ApiApp, ctx: AppContext, hooks: DirectoryHooks = {}): void {
  /** Platform changes the sync must look at again for this user (SPEC §5.12). */
  const userChanged = async (orgId: string, id: string): Promise<void> => {
    await hooks.afterUserChanged?.(ctx.db, { id, orgId });
  };
  const now = () => ctx.clock.now();

  app.get(
    '/users',
    {
      schema: {
        tags,
        summary: 'List users (All, Unassigned, Deactivated), paged by cursor',
        querystring: listQuery,
        response: { 200: userPageView },
      },
    },
    async (request) => listUsers(ctx.db, principalOf(request).orgId, request.query),
  );

  app.get(
    '/users/counts',
    {
      schema: {
        tags,
        summary: 'Totals of the All, Unassigned and Deactivated tabs under the same filters',
        querystring: filterQuery.omit({ status: true, assignment: true }),
        response: { 200: userCountsView },
      },
    },
    async (request) => countTabs(ctx.db, principalOf(request).orgId, request.query),
  );

  app.get(
    '/users/export.csv',
    {
      schema: {
        tags,
        summary: 'The filtered users list as CSV, streamed (any size)',
        querystring: filterQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const orgId = principalOf(request).orgId;
      const stream = Readable.from(usersCsv(ctx.db, orgId, request.query));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="users.csv"')
        .send(stream);
    },
  );

  app.get(
    '/users/unassigned-groups',
    {
      schema: {
        tags,
        summary: 'Unassigned active users counted by cause (largest first), with the fix',
        description:
          'Takes the filters of `GET /users` (search, unitId, userTypeId, integrationId, q, email): the groups add up to the Unassigned tab under the same filters.',
        querystring: unassignedGroupsQuery,
        response: { 200: unassignedGroupsView },
      },
    },
    async (request) => unassignedGroups(ctx.db, principalOf(request).orgId, request.query),
  );

  app.get(
    '/users/unassigned-groups/users',
    {
      schema: {
        tags,
        summary: 'The users of one unassigned group, paged by cursor',
        querystring: groupUsersQuery,
        response: { 200: groupUsersView },
      },
    },
    async (request) => {
      const { key, cursor, limit, ...filters } = request.query;
      if (key === undefined) return { items: [], nextCursor: null };
      return unassignedGroupUsers(ctx.db, principalOf(request).orgId, key, {
        cursor,
        limit: limit ?? 50,
        filters,
      });
    },
  );

  app.post(
    '/users',
    {
      schema: {
        tags,
        summary: 'Create a user (linked to Entra if an integration knows the email)',
        body: createUserBody,
        response: { 201: userView },
      },
    },
    async (request, reply) => {
      const orgId = principalOf(request).orgId;
      const user = await createUser(ctx.db, orgId, request.body, now(), hooks);
      return reply.code(201).send(await getUserWithMemberships(ctx.db, orgId, user.id));
    },
  );

  app.get(
    '/users/:id',
    {
      schema: {
        tags,
        summary: 'One user with memberships and why the sync placed it (or did not)',
        params: idParams,
        response: { 200: userDetailView },
      },
    },
    async (request) => {
      const user = await getUserWithMemberships(
        ctx.db,
        principalOf(request).orgId,
        request.params.id,
      );
      return { ...user, sync: await explainUser(ctx.db, user.source) };
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags,
        summary: 'Edit names or email',
        params: idParams,
        body: updateUserBody,
        response: { 200: userView },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      await updateUser(ctx.db, orgId, request.params.id, request.body, now());
      if (request.body.email !== undefined) await userChanged(orgId, request.params.id);
      return getUserWithMemberships(ctx.db, orgId, request.params.id);
    },
  );

  app.post(
    '/users/:id/deactivate',
    {
      schema: {
        tags,
        summary: 'Deactivate a user; it is purged after the retention period',
        params: idParams,
        response: { 200: userView },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      await deactivateUser(ctx.db, orgId, request.params.id, {
        now: now(),
        retentionDays: ctx.config.deactivatedRetentionDays,
      });
      return getUserWithMemberships(ctx.db, orgId, request.params.id);
    },
  );

  app.post(
    '/users/:id/reactivate',
    {
      schema: {
        tags,
        summary: 'Reactivate a deactivated user',
        params: idParams,
        response: { 200: userView },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      await reactivateUser(ctx.db, orgId, request.params.id, now());
      await userChanged(orgId, request.params.id);
      return getUserWithMemberships(ctx.db, orgId, request.params.id);
    },
  );

  app.put(
    '/users/:id/memberships/:unitId',
    {
      schema: {
        tags,
        summary: 'Set the manual membership of a user in a unit with these user types',
        params: membershipParams,
        body: membershipBody,
        response: { 200: userView },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      await setManualMembership(
        ctx.db,
        orgId,
        {
          userId: request.params.id,
          unitId: request.params.unitId,
          userTypeIds: request.body.userTypeIds,
        },
        now(),
      );
      await userChanged(orgId, request.params.id);
      return getUserWithMemberships(ctx.db, orgId, request.params.id);
    },
  );

  app.delete(
    '/users/:id/memberships/:unitId',
    {
      schema: {
        tags,
        summary: 'Remove a manual membership (409 when an integration manages it)',
        params: membershipParams,
      },
    },
    async (request, reply) => {
      const orgId = principalOf(request).orgId;
      await deleteManualMembership(ctx.db, orgId, {
        userId: request.params.id,
        unitId: request.params.unitId,
      });
      await userChanged(orgId, request.params.id);
      return reply.code(204).send();
    },
  );
}
