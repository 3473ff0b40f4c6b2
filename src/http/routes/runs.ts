import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { NotFoundError } from '../../errors.ts';
import { CHANGE_ACTIONS } from '../../sync/change-details.ts';
import { CHANGE_CURSOR, listRunChanges } from '../../sync/changes-repo.ts';
import { toRun } from '../../sync/run-record.ts';
import { listRuns, RunInProgressError } from '../../sync/runs-repo.ts';
import type { SyncService } from '../../sync/service.ts';
import { principalOf, type ApiApp } from '../types.ts';
import { registerScopeGroupRoutes } from './scope-groups.ts';
import { registerFieldPreviewRoutes } from './field-preview.ts';

const idParams = z.strictObject({ id: z.uuid() });
const runParams = z.strictObject({ runId: z.uuid() });
const tags = ['runs'];

const countsSchema = z.object({
  created: z.number(),
  updated: z.number(),
  linked: z.number(),
  deactivated: z.number(),
  reactivated: z.number(),
  unchanged: z.number(),
  skipped: z.number(),
  unassigned: z.number(),
});

const runSchema = z.object({
  id: z.string(),
  integrationId: z.string(),
  mode: z.enum(['full', 'incremental', 'reconcile']),
  dryRun: z.boolean(),
  trigger: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'held']),
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress: z.object({
    usersRead: z.number(),
    pages: z.number(),
    /** While the run waits on Microsoft Graph before retrying (429 or 503/504). */
    waiting: z
      .object({ reason: z.enum(['throttled', 'unavailable']), until: z.string() })
      .nullable(),
  }),
  counts: countsSchema,
  heldDeletions: z.number(),
  heldUnassignments: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  notes: z.array(z.string()),
});

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
          200: z.object({
            ok: z.boolean(),
            steps: z.array(z.object({ name: z.string(), ok: z.boolean(), message: z.string() })),
          }),
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
        body: z
          .strictObject({ full: z.boolean().optional(), dryRun: z.boolean().optional() })
          .optional(),
        response: {
          202: z.object({ runId: z.string() }),
          409: z.object({
            runId: z.string(),
            error: z.object({ code: z.string(), message: z.string() }),
          }),
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
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          cursor: z.string().regex(CHANGE_CURSOR).optional(),
          action: z.enum(CHANGE_ACTIONS).optional(),
          q: z.string().max(200).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                seq: z.number(),
                action: z.string(),
                subject: z.string(),
                externalId: z.string().nullable(),
                userId: z.string().nullable(),
                details: z.unknown(),
                createdAt: z.string(),
              }),
            ),
            nextCursor: z.string().nullable(),
          }),
        },
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
