import type { Kysely, Selectable } from 'kysely';
import {
  commitRound,
  findIntegrationRow,
  recordCredentialFailure,
  saveReconciledConfig,
} from '../integrations/repository.ts';
import type { Clock } from '../clock.ts';
import type { Database, IntegrationsTable, RunWaitingReason } from '../db/schema.ts';
import { LARGE_WRITE_ROWS, refreshStatistics, refreshStatisticsLater } from '../db/statistics.ts';
import type { Logger } from '../log.ts';
import {
  clearRunMarks,
  countLinkedUsers,
  markUnseen,
  upsertMirrorPage,
  type MirrorEntry,
} from './mirror/mirror-repo.ts';
import { configChange, loadConfig } from './reconcile/config.ts';
import { reconcile, type ReconcileResult, type ReconcileScope } from './reconcile/reconcile.ts';
import { bufferedSink, runRecordSink } from './reconcile/run-sink.ts';
import { settlePage, undoCollisions, type EarlyScope } from './reconcile/settle-early.ts';
import { effectiveUnassignmentThreshold } from './reconcile/unassign-guard.ts';
import type { Run } from './run-record.ts';
import {
  addRunProgress,
  appendRunNote,
  closeHeldRuns,
  getRun,
  getRunRow,
  heartbeat,
  resetRoundProgress,
  setRunMode,
  setRunWaiting,
  transitionRun,
} from './runs-repo.ts';
import { refreshGroupScope } from './scope/group-scope.ts';
import type { SourcePage, UserSource } from './user-source.ts';

export type IntegrationRow = Selectable<IntegrationsTable>;

/** The tables a large run fills, whose statistics it refreshes when it ends. */
const BIG_TABLES = ['entra_users', 'users', 'memberships', 'membership_user_types'] as const;

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
  /**
   * Builds the Entra reader for an integration (Graph client in production). `onWait` is told
   * each time the reader waits before retrying (throttled or unavailable), so the run can say
   * what it is waiting for.
   */
  openSource(
    integration: IntegrationRow,
    onWait?: (wait: { reason: RunWaitingReason; waitMs: number }) => void,
  ): Promise<UserSource>;
  classify(err: unknown): FailureInfo;
}

/**
 * Executes one queued (or abandoned running) run to its end (SPEC §5.12):
 * Graph pages → mirror (skipped by a `reconcile` run) → reconcile the rows that need it →
 * delta link, fingerprint and status. Never throws for expected failures: the run ends
 * `failed` with a readable reason.
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
    return await executeClaimed(deps, runId, row.dry_run === 1, row.mode);
  } finally {
    clearInterval(beat);
  }
}

async function loadIntegration(db: Kysely<Database>, id: string) {
  return findIntegrationRow(db, id);
}

async function executeClaimed(
  deps: EngineDeps,
  runId: string,
  dryRun: boolean,
  requested: 'full' | 'incremental' | 'reconcile',
): Promise<Run | undefined> {
  const { db, log } = deps;
  const now = () => deps.clock.now().toISOString();
  const integrationId = (await getRunRow(db, runId))?.integration_id ?? '';
  const integration = await loadIntegration(db, integrationId);
  if (!integration) {
    await transitionRun(db, runId, 'failed', {
      now: now(),
      error: { code: 'integration_missing', message: 'The integration was deleted' },
    });
    return getRun(db, runId);
  }
  const runLog = log.child({ runId, integrationId });
  let full =
    requested === 'full' || integration.full_sync_required === 1 || !integration.delta_link;
  try {
    let deltaLink: string | null = null;
    let early: EarlyScope | undefined;
    if (requested !== 'reconcile') {
      const source = await deps.openSource(integration, ({ reason, waitMs }) => {
        const until = new Date(deps.clock.now().getTime() + waitMs).toISOString();
        // Told from inside the client's retry loop, which must not wait on the database:
        // the hint is best effort, and a failed write only loses the hint.
        setRunWaiting(db, runId, { reason, until }).catch((err: unknown) =>
          runLog.warn({ err }, 'could not record that the run waits on Microsoft Graph'),
        );
      });
      for (;;) {
        await setRunMode(db, runId, full ? 'full' : 'incremental');
        // A run picked up after a crash reads its round again: the mirror takes identical
        // entries without marking them changed, so nothing is reconciled twice.
        await resetRoundProgress(db, runId);
        if (full) await clearRunMarks(db, integrationId, runId);
        try {
          const pages = full ? source.full() : source.incremental(integration.delta_link ?? '');
          early = full && !dryRun ? await earlyScope(deps, integration, runId) : undefined;
          deltaLink = await readRound(deps, runId, integrationId, pages, full, early);
          break;
        } catch (err) {
          if (full || !deps.classify(err).resync) throw err;
          runLog.warn('delta state expired or rejected: falling back to a full synchronisation');
          await appendRunNote(
            db,
            runId,
            'The stored delta link expired or was rejected by Microsoft Graph: fell back to a full synchronisation.',
          );
          full = true;
        }
      }
      // Group scope: memberships are brought up to date before the reconcile reads them.
      await refreshGroupScope(db, integration, (start) => source.groupMembers(start));
    }
    // A large round changed the mirror's size or contents a lot: fresh planner statistics
    // before the reconcile reads it. Only the mirror: the directory's tables change in the
    // reconcile, and were refreshed after the last large one.
    const read = (await getRunRow(db, runId))?.users_read ?? 0;
    if (read >= LARGE_WRITE_ROWS) await refreshStatistics(db, ['entra_users'], 'quick');
    // Settings may have changed while Graph was read: reconcile with what holds now.
    const current = (await loadIntegration(db, integrationId)) ?? integration;
    const config = await loadConfig(db, current);
    const scope: ReconcileScope = {
      orgId: current.org_id,
      integrationId,
      config,
      change: full ? { kind: 'all' } : configChange(current.reconciled_config, config),
      // Rows created while Graph was read need no second look if nothing changed since.
      settledEarlyBy: early && early.config.fingerprint === config.fingerprint ? runId : undefined,
      now: deps.clock.now(),
      retentionDays: deps.retentionDays,
      deletionThreshold: current.deletion_threshold,
      unassignmentThreshold: effectiveUnassignmentThreshold(
        current.unassignment_threshold,
        await countLinkedUsers(db, integrationId),
      ),
    };
    const result = dryRun
      ? await previewReconcile(deps, runId, scope)
      : await reconcile(db, scope, runRecordSink(runId, now));
    const counts = (await getRun(db, runId))?.counts;
    const ended = await finish(deps, runId, integration, {
      dryRun,
      graph: requested !== 'reconcile',
      deltaLink,
      snapshot: config.snapshot,
      unassignmentThreshold: scope.unassignmentThreshold ?? 0,
      result,
    });
    // The reconcile settled (or created) many rows: the partial index of rows to do has
    // emptied and the directory grew, so the next runs' plans need fresh statistics. A quick
    // sample now (tens of milliseconds), so that a run started right after this one is not
    // planned from the round's statistics (its first idle run scanned the mirror: 400 ms
    // instead of 50). Then precise ones, after the run, for the directory's tables only: the
    // users list's search estimates from them; the mirror is only ever read by key, and its
    // 30,000-row sample (a third of a second at 100,000 users) slowed the runs that follow.
    if (
      !dryRun &&
      (read >= LARGE_WRITE_ROWS || (counts && counts.created + counts.linked >= LARGE_WRITE_ROWS))
    ) {
      // The run has ended: a failure here costs fresh statistics, never the run's status.
      await refreshStatistics(db, BIG_TABLES, 'quick').catch((err: unknown) =>
        runLog.warn({ err }, 'could not refresh the planner statistics after a large run'),
      );
      refreshStatisticsLater(db, ['users', 'memberships', 'membership_user_types'], runLog);
    }
    return ended;
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
      await recordCredentialFailure(
        db,
        integration.id,
        integration.credential_failures + 1,
        info.message,
      );
    }
    return getRun(db, runId);
  }
}

/**
 * The Graph side of a run: every page goes into the mirror, in one transaction with the
 * run's progress. A full round then marks the rows it did not see as gone. Returns the
 * round's delta link.
 */
async function readRound(
  deps: EngineDeps,
  runId: string,
  integrationId: string,
  pages: AsyncIterable<SourcePage>,
  full: boolean,
  early: EarlyScope | undefined,
): Promise<string | null> {
  const sink = runRecordSink(runId, () => deps.clock.now().toISOString());
  // Entries read so far, and when the planner's statistics were last refreshed (below).
  let read = 0;
  let analyzedAt = 0;
  const { db } = deps;
  let deltaLink: string | null = null;
  let anonymous = 0;
  for await (const page of pages) {
    if (page.restart) {
      anonymous = 0;
      await resetRoundProgress(db, runId);
      if (full) await clearRunMarks(db, integrationId, runId);
    }
    if (page.note) await appendRunNote(db, runId, page.note);
    const at = deps.clock.now().toISOString();
    const entries: MirrorEntry[] = [
      ...page.users.map((user) => ({ kind: 'user' as const, user })),
      ...page.removed.map((r) => ({
        kind: 'removed' as const,
        id: r.id,
        reason:
          r.reason === 'deleted' ? ('removed-deleted' as const) : ('removed-changed' as const),
      })),
    ];
    for (const bad of page.invalid) {
      if (bad.id === null) anonymous++;
      else entries.push({ kind: 'invalid', id: bad.id, property: bad.property });
    }
    await db.transaction().execute(async (trx) => {
      await upsertMirrorPage(trx, integrationId, runId, entries, at);
      await addRunProgress(
        trx,
        runId,
        { usersRead: page.users.length + page.removed.length + page.invalid.length, pages: 1 },
        at,
      );
    });
    if (page.deltaLink) deltaLink = page.deltaLink;
    // A first round grows the mirror (and, creating early, the directory) from nothing:
    // PostgreSQL planned the round's lookups by primary key as scans of a table its
    // statistics still called empty, so each page cost more than the last (a 100,000-user
    // full run: 60 s more). Refreshed each time the round has doubled what it read.
    read += entries.length;
    if (full && read >= LARGE_WRITE_ROWS && read >= 2 * analyzedAt) {
      await refreshStatistics(db, early ? ['entra_users', 'users'] : ['entra_users'], 'quick');
      analyzedAt = read;
    }
    // While the next page is on its way (read-ahead), create the users this one settles.
    if (early && page.users.length) {
      await settlePage(
        db,
        { ...early, now: deps.clock.now() },
        page.users.map((u) => u.id),
        sink,
      );
    }
  }
  if (full) await markUnseen(db, integrationId, runId, deps.clock.now().toISOString());
  if (early) await undoCollisions(db, early, deps.clock.now().toISOString());
  if (anonymous) {
    await appendRunNote(
      db,
      runId,
      `Microsoft Graph sent ${anonymous} entries without a usable object id: they were ignored.`,
    );
  }
  return deltaLink;
}

/**
 * What a full round needs to create users while it reads Graph (settle-early.ts), or
 * undefined when it may not: a group scope is read only after the users.
 */
async function earlyScope(
  deps: EngineDeps,
  integration: IntegrationRow,
  runId: string,
): Promise<EarlyScope | undefined> {
  if (integration.scope_mode === 'groups') return undefined;
  const current = (await loadIntegration(deps.db, integration.id)) ?? integration;
  return {
    orgId: current.org_id,
    integrationId: current.id,
    runId,
    config: await loadConfig(deps.db, current),
    now: deps.clock.now(),
  };
}

/** Thrown to roll a preview's reconcile back once it has been computed. */
class PreviewDone extends Error {
  constructor(readonly result: ReconcileResult) {
    super('preview rolled back');
  }
}

/**
 * SPEC §5.14: a preview is the same reconcile with the same guard, in one transaction that is
 * rolled back, so later batches see what earlier ones would have done and its changes and
 * status equal the real run's. Its change log is written after the rollback.
 */
async function previewReconcile(
  deps: EngineDeps,
  runId: string,
  scope: ReconcileScope,
): Promise<ReconcileResult> {
  const sink = bufferedSink();
  let result: ReconcileResult | undefined;
  try {
    await deps.db.transaction().execute(async (trx) => {
      throw new PreviewDone(await reconcile(trx, scope, sink));
    });
  } catch (err) {
    if (!(err instanceof PreviewDone)) throw err;
    result = err.result;
  }
  await sink.flush(deps.db, runId, deps.clock.now().toISOString());
  return result ?? { held: null, deactivated: 0 };
}

/** The delta link, the fingerprint and the run's final status, in one transaction. */
async function finish(
  deps: EngineDeps,
  runId: string,
  integration: IntegrationRow,
  round: {
    dryRun: boolean;
    graph: boolean;
    deltaLink: string | null;
    snapshot: string;
    unassignmentThreshold: number;
    result: ReconcileResult;
  },
): Promise<Run | undefined> {
  const { db } = deps;
  const at = deps.clock.now().toISOString();
  const held = round.result.held;
  const heldUnassignments = round.result.heldUnassignments ?? null;
  const anyHeld = held !== null || heldUnassignments !== null;
  await db.transaction().execute(async (trx) => {
    if (!round.dryRun) {
      if (round.graph) {
        // The delta link moves only now that the whole round is applied (SPEC §5.1), and
        // only if nobody changed the settings meanwhile: a new tenant requires a full run,
        // which the settings change already asked for.
        await commitRound(trx, integration.id, {
          deltaLink: round.deltaLink,
          expectedUpdatedAt: integration.updated_at,
        });
      }
      await saveReconciledConfig(trx, integration.id, round.snapshot);
      if (!anyHeld) {
        await closeHeldRuns(
          trx,
          integration.id,
          runId,
          `Superseded by run ${runId}: the changes held here were applied by it, or are no longer needed.`,
          at,
        );
      }
    }
    if (held !== null) {
      await appendRunNote(
        trx,
        runId,
        `${held} users would be deactivated, more than the deletion threshold of ${integration.deletion_threshold}: deactivations are held until an administrator approves them.`,
      );
    }
    if (heldUnassignments !== null) {
      await appendRunNote(
        trx,
        runId,
        `${heldUnassignments} users would lose their managed membership, more than the unassignment threshold of ${round.unassignmentThreshold}: these removals are held until an administrator approves them.`,
      );
    }
    await transitionRun(trx, runId, anyHeld ? 'held' : 'succeeded', {
      now: at,
      heldDeletions: held ?? 0,
      heldUnassignments: heldUnassignments ?? 0,
    });
  });
  return getRun(db, runId);
}
