import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { withTransaction } from '../../directory/transaction.ts';
import {
  createUserType,
  deleteUserType,
  getUserType,
  listUserTypes,
  renameUserType,
} from '../../directory/user-types.ts';
import { createUserTypeBody, idParams, renameUserTypeBody, userTypeView } from '../schemas.ts';
import { principalOf, type ApiApp } from '../types.ts';
import type { DirectoryHooks } from '../../directory/hooks.ts';
import { configChanged } from '../config-changed.ts';

const tags = ['user-types'];

/** User types (roles): list, create, rename, delete. Names unique per organisation. */
export function registerUserTypeRoutes(
  app: ApiApp,
  ctx: AppContext,
  hooks: DirectoryHooks = {},
): void {
  const changed = configChanged(ctx, hooks);
  app.get(
    '/user-types',
    {
      schema: {
        tags,
        summary: 'All user types of the organisation',
        response: { 200: z.array(userTypeView) },
      },
    },
    async (request) => listUserTypes(ctx.db, principalOf(request).orgId),
  );

  app.get(
    '/user-types/:id',
    {
      schema: { tags, summary: 'One user type', params: idParams, response: { 200: userTypeView } },
    },
    async (request) => getUserType(ctx.db, principalOf(request).orgId, request.params.id),
  );

  app.post(
    '/user-types',
    {
      schema: {
        tags,
        summary: 'Create a user type',
        body: createUserTypeBody,
        response: { 201: userTypeView },
      },
    },
    async (request, reply) => {
      const orgId = principalOf(request).orgId;
      const type = await withTransaction(ctx.db, (trx) =>
        createUserType(trx, orgId, request.body, ctx.clock.now()),
      );
      await changed(orgId);
      return reply.code(201).send(type);
    },
  );

  app.patch(
    '/user-types/:id',
    {
      schema: {
        tags,
        summary: 'Rename a user type',
        params: idParams,
        body: renameUserTypeBody,
        response: { 200: userTypeView },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      const updated = await withTransaction(ctx.db, (trx) =>
        renameUserType(trx, orgId, request.params.id, request.body),
      );
      await changed(orgId);
      return updated;
    },
  );

  app.delete(
    '/user-types/:id',
    {
      schema: {
        tags,
        summary: 'Delete a user type no membership uses (409 otherwise)',
        params: idParams,
      },
    },
    async (request, reply) => {
      const orgId = principalOf(request).orgId;
      await withTransaction(ctx.db, (trx) => deleteUserType(trx, orgId, request.params.id));
      await changed(orgId);
      return reply.code(204).send();
    },
  );
}
