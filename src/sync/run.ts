import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Database, IntegrationsTable } from '../db/schema.ts';
import type { Logger } from '../log.ts';
import { applyPlans, changeRows, insertChangeRows, recordSeen, type SeenEntry } from './apply.ts';
import {
  buildLookups,
  mapEntraUser,
  type DesiredUser,
  type DirectoryLookups,
  type MappingSettings,
} from './map.ts';
import { loadPageState } from './page-state.ts';
import { countPlans, planPage, type ManagedMembership } from './plan.ts';
import { finishRound } from './round-end.ts';
import type { Run } from './run-record.ts';
import {
  addRunProgress,
  appendRunNote,
  getRun,
  getRunRow,
  heartbeat,
  resetRunProgress,
  transitionRun,
} from './runs-repo.ts';
import type { SourcePage, UserSource } from './user-source.ts';

export type IntegrationRow = Selectable<IntegrationsTable>;

/** How the engine understands a failure: a code and message for the run, and its kind. */
export interface FailureInfo {
  code: string;
  message: string;
  /** Wrong/expired secret, unknown app or tenant, missing consent: the admin must act. */
  credential: boolean;
  /** The delta state expired or was rejected: start over with a full round. */
  resync: boolean;
}

export interface EngineDeps {
  db: Kysely<Database>;
  log: Logger;
  clock: Clock;
  retentionDays: number;
  workerId: string;
  /** A running run with no heartbeat for this long belongs to a dead worker. */
  staleAfterMs: number;
  /** Builds the Entra reader for an integration (Graph client in production). */
  openSource(integration: IntegrationRow): Promise<UserSource>;
  classify(err: unknown): FailureInfo;
}

class ResyncSignal extends Error {}

/**
 * Executes one queued (or abandoned running) run to its end: pages in → map → plan →
 * apply (one transaction per page) → deletions and the guard → delta link → status.
 * Never throws for expected failures: the run ends `failed` with a readable reason.
 */
export async function executeRun(deps: EngineDeps, runId: string): Promise<Run | undefined> {
  const { db } = deps;
  const row = await getRunRow(db, runId);
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return getRun(db, runId);
  const now = () => deps.clock.now().toISOString();
  const staleBefore = new Date(deps.clock.now().getTime() - deps.staleAfterMs).toISOString();
  if (
    !(await transitionRun(db, runId, 'running', {
      now: now(),
      workerId: deps.workerId,
      staleBefore,
    }))
  ) {
    return getRun(db, runId);
  }
  // Prove liveness while waiting on Graph (a Retry-After can be long), so no other worker
  // mistakes this run for an abandoned one.
  const beat = setInterval(
    () => void heartbeat(db, runId, now()).catch(() => undefined),
    Math.max(250, Math.floor(deps.staleAfterMs / 4)),
  );
  try {
    return await executeClaimed(deps, runId, row.dry_run === 1, row.mode === 'full');
  } finally {
    clearInterval(beat);
  }
}

async function executeClaimed(
  deps: EngineDeps,
  runId: string,
  dryRun: boolean,
  requestedFull: boolean,
): Promise<Run | undefined> {
  const { db, log } = deps;
  const now = () => deps.clock.now().toISOString();
  const row = { integration_id: (await getRunRow(db, runId))?.integration_id ?? '' };
  const integration = await db
    .selectFrom('integrations')
    .selectAll()
    .where('id', '=', row.integration_id)
    .executeTakeFirst();
  if (!integration) {
    await transitionRun(db, runId, 'failed', {
      now: now(),
      error: { code: 'integration_missing', message: 'The integration was deleted' },
    });
    return getRun(db, runId);
  }
  let full = requestedFull || integration.full_sync_required === 1 || !integration.delta_link;
  const runLog = log.child({ runId, integrationId: integration.id });
  try {
    const source = await deps.openSource(integration);
    for (;;) {
      // A run picked up after a crash starts its round again: pages are idempotent, so the
      // directory ends as if the run had never stopped.
      await resetRunProgress(db, runId, integration.id);
      await db
        .updateTable('sync_runs')
        .set({ mode: full ? 'full' : 'incremental' })
        .where('id', '=', runId)
        .execute();
      try {
        const pages = full ? source.full() : source.incremental(integration.delta_link ?? '');
        const deltaLink = await consumeRound(deps, runId, integration, pages, dryRun);
        return await finishRound(deps, runId, integration, { full, dryRun, deltaLink });
      } catch (err) {
        if (!full && (err instanceof ResyncSignal || deps.classify(err).resync)) {
          runLog.warn('delta state expired or rejected: falling back to a full synchronisation');
          await appendRunNote(
            db,
            runId,
            'The stored delta link expired or was rejected by Microsoft Graph: fell back to a full synchronisation.',
          );
          full = true;
          continue;
        }
        throw err;
      }
    }
  } catch (err) {
    const info = deps.classify(err);
    runLog.warn(
      { code: info.code, err: info.credential ? undefined : err },
      `run failed: ${info.message}`,
    );
    await transitionRun(db, runId, 'failed', {
      now: now(),
      error: { code: info.code, message: info.message },
    });
    // Only credential failures touch the integration (an empty SET is invalid SQL).
    if (info.credential) {
      await db
        .updateTable('integrations')
        .set({
          credential_failures: integration.credential_failures + 1,
          attention_message: info.message,
        })
        .where('id', '=', integration.id)
        .execute();
    }
    return getRun(db, runId);
  }
}

/** Applies every page of one round; returns the round's delta link. */
async function consumeRound(
  deps: EngineDeps,
  runId: string,
  integration: IntegrationRow,
  pages: AsyncIterable<SourcePage>,
  dryRun: boolean,
): Promise<string | null> {
  const { db } = deps;
  const settings: MappingSettings = {
    unitField: integration.unit_field,
    userTypeField: integration.user_type_field,
    includeGuests: integration.include_guests === 1,
    deactivateDisabledUsers: integration.deactivate_disabled_users === 1,
  };
  const lookups = await loadLookups(deps, integration.org_id);
  const describe = describer(lookups.names);
  let deltaLink: string | null = null;
  for await (const page of pages) {
    const at = deps.clock.now();
    const raw = new Map(page.users.map((u) => [u.id, u]));
    const desired = dedupe(page.users.map((u) => mapEntraUser(u, lookups.lookups, settings)));
    const removedIds = new Set(page.removed.map((r) => r.id));
    const present = desired.filter((d) => !removedIds.has(d.externalId));
    const seen: SeenEntry[] = [
      ...page.removed.map((r) => ({
        externalId: r.id,
        email: null,
        data: null,
        exclusion:
          r.reason === 'deleted' ? ('removed-deleted' as const) : ('removed-changed' as const),
      })),
      ...present.map((d) => ({
        externalId: d.externalId,
        email: d.email,
        data: JSON.stringify(raw.get(d.externalId) ?? { id: d.externalId }),
        exclusion: d.exclusion,
      })),
    ];
    await db.transaction().execute(async (trx) => {
      const state = await loadPageState(
        trx,
        integration.org_id,
        integration.id,
        present.map((d) => d.externalId),
        present.flatMap((d) => (d.email ? [d.email] : [])),
      );
      const plans = planPage(present, state, integration.id);
      const ctx = {
        orgId: integration.org_id,
        integrationId: integration.id,
        runId,
        now: at,
        describe,
      };
      if (dryRun) {
        await insertChangeRows(trx, runId, changeRows(plans, ctx, new Map()), at.toISOString());
      } else {
        await applyPlans(trx, plans, ctx);
      }
      await recordSeen(trx, runId, integration.id, seen, at.toISOString(), dryRun);
      await addRunProgress(
        trx,
        runId,
        { ...countPlans(plans), usersRead: page.users.length + page.removed.length, pages: 1 },
        at.toISOString(),
      );
    });
    if (page.deltaLink) deltaLink = page.deltaLink;
  }
  return deltaLink;
}

/** Keeps the last occurrence of each Entra user of a page (Graph may repeat a user). */
function dedupe(list: DesiredUser[]): DesiredUser[] {
  const byId = new Map<string, DesiredUser>();
  for (const d of list) {
    byId.delete(d.externalId);
    byId.set(d.externalId, d);
  }
  return [...byId.values()];
}

async function loadLookups(
  deps: EngineDeps,
  orgId: string,
): Promise<{ lookups: DirectoryLookups; names: Map<string, string> }> {
  const units = await deps.db
    .selectFrom('units')
    .select(['id', 'name'])
    .where('org_id', '=', orgId)
    .execute();
  const types = await deps.db
    .selectFrom('user_types')
    .select(['id', 'name'])
    .where('org_id', '=', orgId)
    .execute();
  const names = new Map<string, string>();
  for (const x of [...units, ...types]) names.set(x.id, x.name);
  return { lookups: buildLookups(units, types), names };
}

function describer(names: Map<string, string>) {
  return (m: ManagedMembership | null): string | null =>
    m
      ? `${names.get(m.unitId) ?? m.unitId}: ${m.userTypeIds.map((t) => names.get(t) ?? t).join(', ')}`
      : null;
}
