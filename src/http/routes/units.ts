import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import {
  createUnit,
  deleteUnit,
  getUnit,
  listUnits,
  unitMemberCounts,
  updateUnit,
} from '../../directory/units.ts';
import { withTransaction } from '../../directory/transaction.ts';
import { createUnitBody, idParams, unitListView, unitView, updateUnitBody } from '../schemas.ts';
import { principalOf, type ApiApp } from '../types.ts';
import type { DirectoryHooks } from '../../directory/hooks.ts';
import { configChanged } from '../config-changed.ts';

const tags = ['units'];

/** Units (the organisation's tree): list, create, rename/move, delete. */
export function registerUnitRoutes(app: ApiApp, ctx: AppContext, hooks: DirectoryHooks = {}): void {
  const changed = configChanged(ctx, hooks);
  app.get(
    '/units',
    {
      schema: {
        tags,
        summary: 'All units of the organisation, with how many memberships each holds',
        response: { 200: z.array(unitListView) },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      const [units, counts] = await Promise.all([
        listUnits(ctx.db, orgId),
        unitMemberCounts(ctx.db, orgId),
      ]);
      return units.map((u) => {
        const c = counts.get(u.id);
        return { ...u, memberCount: c?.members ?? 0, managedMemberCount: c?.managed ?? 0 };
      });
    },
  );

  app.get(
    '/units/:id',
    { schema: { tags, summary: 'One unit', params: idParams, response: { 200: unitView } } },
    async (request) => getUnit(ctx.db, principalOf(request).orgId, request.params.id),
  );

  app.post(
    '/units',
    {
      schema: {
        tags,
        summary: 'Create a unit (at the top, or under parentId)',
        body: createUnitBody,
        response: { 201: unitView },
      },
    },
    async (request, reply) => {
      const orgId = principalOf(request).orgId;
      const unit = await withTransaction(ctx.db, (trx) =>
        createUnit(trx, orgId, request.body, ctx.clock.now()),
      );
      await changed(orgId);
      return reply.code(201).send(unit);
    },
  );

  app.patch(
    '/units/:id',
    {
      schema: {
        tags,
        summary: 'Rename a unit and/or move it (parentId null moves it to the top)',
        params: idParams,
        body: updateUnitBody,
        response: { 200: unitView },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      const updated = await withTransaction(ctx.db, (trx) =>
        updateUnit(trx, orgId, request.params.id, request.body),
      );
      await changed(orgId);
      return updated;
    },
  );

  app.delete(
    '/units/:id',
    {
      schema: {
        tags,
        summary:
          'Delete a unit without members or sub-units (409 otherwise, saying what to do with manual and managed memberships)',
        params: idParams,
      },
    },
    async (request, reply) => {
      const orgId = principalOf(request).orgId;
      await withTransaction(ctx.db, (trx) => deleteUnit(trx, orgId, request.params.id));
      await changed(orgId);
      return reply.code(204).send();
    },
  );
}
