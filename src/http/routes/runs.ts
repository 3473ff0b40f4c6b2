import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { NotFoundError } from '../../errors.ts';
import { listRunChanges } from '../../sync/changes-repo.ts';
import { toRun } from '../../sync/run-record.ts';
import { listRuns, RunInProgressError } from '../../sync/runs-repo.ts';
import type { SyncService } from '../../sync/service.ts';
import { principalOf, type ApiApp } from '../types.ts';
import { registerScopeGroupRoutes } from './scope-groups.ts';
import { registerFieldPreviewRoutes } from './field-preview.ts';
import {
  runChangesPageView,
  runChangesQuery,
  runInProgressView,
  runView as runSchema,
  startedRunView,
  startRunBody,
} from '../run-schemas.ts';
import { testResultView } from '../integration-schemas.ts';

const idParams = z.strictObject({ id: z.uuid() });
const runParams = z.strictObject({ runId: z.uuid() });
const tags = ['runs'];

/**
 * Runs of the sync engine (SPEC §6): test connection, start a run or a preview, run history,
 * one run with live progress, its per-user changes, and approving held deletions.
 */
export function registerRunRoutes(app: ApiApp, ctx: AppContext, sync: SyncService): void {
  registerScopeGroupRoutes(app, sync);
  registerFieldPreviewRoutes(app, ctx, sync);
  app.post(
    '/integrations/:id/test',
    {
      schema: {
        tags,
        summary: 'Test connection: token → permission → read one user',
        params: idParams,
        response: {
          200: testResultView,
        },
      },
    },
    async (request) => sync.testConnection(principalOf(request).orgId, request.params.id),
  );

  app.post(
    '/integrations/:id/sync',
    {
      schema: {
        tags,
        summary: 'Start a synchronisation (full = Initiate synchronisation; dryRun = Preview)',
        params: idParams,
        body: startRunBody,
        response: {
          202: startedRunView,
          409: runInProgressView,
        },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      try {
        const run = await sync.requestRun(orgId, request.params.id, {
          full: request.body?.full ?? false,
          dryRun: request.body?.dryRun ?? false,
          trigger: 'manual',
        });
        return reply.code(202).send({ runId: run.id });
      } catch (err) {
        if (err instanceof RunInProgressError) {
          return reply
            .code(409)
            .send({ runId: err.runId, error: { code: err.code, message: err.message } });
        }
        throw err;
      }
    },
  );

  app.get(
    '/integrations/:id/runs',
    {
      schema: {
        tags,
        summary:
          'Run history of an integration, newest first, paged with nextCursor back to the 90-day retention',
        params: idParams,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional(),
          before: z.string().max(40).optional(),
        }),
        response: {
          200: z.object({ items: z.array(runSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      await ownIntegration(ctx, orgId, request.params.id);
      const { limit, cursor, before } = request.query;
      return listRuns(ctx.db, request.params.id, { limit, cursor, before });
    },
  );

  app.get(
    '/runs/:runId',
    {
      schema: {
        tags,
        summary: 'One run with its progress and counts',
        params: runParams,
        response: { 200: runSchema },
      },
    },
    async (request) => ownRun(ctx, principalOf(request).orgId, request.params.runId),
  );

  app.get(
    '/runs/:runId/changes',
    {
      schema: {
        tags,
        summary: "A run's per-user changes (what changed, before → after, or why skipped)",
        params: runParams,
        description:
          'Held rows (what a guard stopped) come first, then the others in the order written. `action` keeps one action (e.g. `held`, `skip`); `q` keeps the rows whose user name or email contains the text.',
        querystring: runChangesQuery,
        response: { 200: runChangesPageView },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      await ownRun(ctx, orgId, request.params.runId);
      const { limit, cursor, action, q } = request.query;
      return listRunChanges(ctx.db, request.params.runId, limit, cursor ?? null, { action, q });
    },
  );

  app.post(
    '/runs/:runId/approve-deletions',
    {
      schema: {
        tags,
        summary:
          'Apply the deactivations and membership removals a run held back (deletion and unassignment guards)',
        params: runParams,
        response: { 200: runSchema },
      },
    },
    async (request) => {
      const who = principalOf(request);
      const by = who.kind === 'token' ? `API token "${who.tokenName}"` : who.email;
      return sync.approve(who.orgId, request.params.runId, by);
    },
  );
}

async function ownIntegration(ctx: AppContext, orgId: string, id: string): Promise<void> {
  const row = await ctx.db
    .selectFrom('integrations')
    .select('id')
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Integration');
}

async function ownRun(ctx: AppContext, orgId: string, runId: string) {
  const row = await ctx.db
    .selectFrom('sync_runs')
    .selectAll()
    .where('id', '=', runId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Run');
  return toRun(row);
}
