import type { AppContext } from '../../context.ts';
import type { Db } from '../../db/schema.ts';
import { createUnit, deleteUnit, updateUnit } from '../../directory/units.ts';
import { nameKey } from '../../directory/name-key.ts';
import { createUserType, deleteUserType, renameUserType } from '../../directory/user-types.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { parseStoredGroups } from '../../integrations/scope-groups.ts';
import { crossFieldIssues } from '../../integrations/settings.ts';
import { computeImpact, type Impact, type ProposedSettings } from '../../sync/impact.ts';
import { idParams } from '../schemas.ts';
import {
  impactView,
  settingsImpactBody as settingsBody,
  unitImpactBody as unitBody,
  userTypeImpactBody as userTypeBody,
} from '../impact-schemas.ts';
import { principalOf, type ApiApp } from '../types.ts';

/*
 * Impact before commit (issue 17): the same change as the real endpoint, applied in a
 * transaction that is rolled back after the reconcile has said what it would do.
 */

const tags = ['impact'];

export function registerImpactRoutes(app: ApiApp, ctx: AppContext): void {
  const run = (
    orgId: string,
    opts: Omit<Parameters<typeof computeImpact>[2], 'now' | 'retentionDays'>,
  ) =>
    computeImpact(ctx.db, orgId, {
      ...opts,
      now: ctx.clock.now(),
      retentionDays: ctx.config.deactivatedRetentionDays,
    });

  app.post(
    '/integrations/:id/impact',
    {
      schema: {
        tags,
        summary:
          'What changing these mapping settings would do (move, unassign, deactivate), computed without writing',
        params: idParams,
        body: settingsBody,
        response: { 200: impactView },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const row = await ctx.db
        .selectFrom('integrations')
        .select(['id', 'unit_field', 'user_type_field', 'scope_mode', 'scope_groups'])
        .where('id', '=', request.params.id)
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      if (!row) throw new NotFoundError('Integration');
      const { scopeMode, scopeGroups, ...b } = request.body;
      const merged = {
        unitField: b.unitField ?? row.unit_field,
        userTypeField: b.userTypeField ?? row.user_type_field,
        scopeMode: scopeMode ?? row.scope_mode,
        scopeGroups: scopeGroups ?? parseStoredGroups(row.scope_groups),
      };
      const issues = crossFieldIssues(merged);
      if (issues.length > 0) throw new ValidationError('Invalid integration settings', issues);
      const patch: ProposedSettings = Object.fromEntries(
        Object.entries(b).filter(([, v]) => v !== undefined),
      );
      if (scopeMode !== undefined || scopeGroups !== undefined) {
        patch.scope =
          merged.scopeMode === 'all'
            ? { mode: 'all' }
            : { mode: 'groups', groupIds: merged.scopeGroups.map((g) => g.id) };
      }
      const impact = await run(orgId, { settings: { integrationId: row.id, patch } });
      return { ...impact, duplicateName: null };
    },
  );

  app.post(
    '/units/impact',
    {
      schema: {
        tags,
        summary:
          'What creating, renaming, moving or deleting a unit would do, computed without writing (a duplicate name is named)',
        body: unitBody,
        response: { 200: impactView },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const b = request.body;
      const now = ctx.clock.now();
      const duplicate =
        b.action === 'create' || b.action === 'rename'
          ? await duplicateUnitName(ctx.db, orgId, b.name, b.action === 'rename' ? b.unitId : null)
          : null;
      const change = async (trx: Db): Promise<void> => {
        if (b.action === 'create') {
          await createUnit(trx, orgId, { name: b.name, parentId: b.parentId ?? null }, now);
        } else if (b.action === 'rename') await updateUnit(trx, orgId, b.unitId, { name: b.name });
        else if (b.action === 'move')
          await updateUnit(trx, orgId, b.unitId, { parentId: b.parentId });
        else await deleteUnit(trx, orgId, b.unitId);
      };
      const impact: Impact = await run(orgId, { change });
      return { ...impact, duplicateName: duplicate };
    },
  );

  app.post(
    '/user-types/impact',
    {
      schema: {
        tags,
        summary:
          'What creating, renaming or deleting a user type would do, computed without writing',
        body: userTypeBody,
        response: { 200: impactView },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const b = request.body;
      const now = ctx.clock.now();
      const change = async (trx: Db): Promise<void> => {
        if (b.action === 'create') await createUserType(trx, orgId, { name: b.name }, now);
        else if (b.action === 'rename') {
          await renameUserType(trx, orgId, b.userTypeId, { name: b.name });
        } else await deleteUserType(trx, orgId, b.userTypeId);
      };
      return { ...(await run(orgId, { change })), duplicateName: null };
    },
  );
}

/** The existing unit's name when `name` is already used (case and accents as matching reads them). */
async function duplicateUnitName(
  db: Db,
  orgId: string,
  name: string,
  exceptId: string | null,
): Promise<string | null> {
  let q = db
    .selectFrom('units')
    .select('name')
    .where('org_id', '=', orgId)
    .where('name_key', '=', nameKey(name));
  if (exceptId) q = q.where('id', '<>', exceptId);
  const row = await q.executeTakeFirst();
  return row?.name ?? null;
}
