import { hostname } from 'node:os';
import { findIntegrationRow, listReconciledIntegrationIds } from '../integrations/repository.ts';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Database, RunTrigger, RunWaitingReason } from '../db/schema.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { createGraphClient } from '../graph/client.ts';
import type {
  ConnectionStep,
  ConnectionTestResult,
  GraphClient,
  GraphEvent,
} from '../graph/types.ts';
import { loadCredentials } from '../integrations/service.ts';
import type { SecretBox } from '../integrations/secret-box.ts';
import type { Logger } from '../log.ts';
import { approveHeldDeletions } from './approve.ts';
import { classifyFailure, graphUserSource } from './graph-source.ts';
import type { EntraUser } from './entra-user.ts';
import type { Run } from './run-record.ts';
import { waitingOf } from './run-waiting.ts';
import { executeRun, type EngineDeps, type IntegrationRow } from './engine.ts';
import { loadConfig } from './reconcile/config.ts';
import { toRun } from './run-record.ts';
import { createRun, getRunRow, RunInProgressError } from './runs-repo.ts';

/** Where queued runs go to be executed: in-process (SQLite) or a job queue (PostgreSQL). */
export interface RunDispatcher {
  dispatch(run: { runId: string; integrationId: string }): Promise<void>;
}

export interface SyncServiceDeps {
  db: Kysely<Database>;
  log: Logger;
  clock: Clock;
  secretBox: SecretBox;
  retentionDays: number;
  /** Server-wide overrides (AZURE_AUTHORITY_HOST, GRAPH_ENDPOINT). */
  authorityHost?: string | undefined;
  graphEndpoint?: string | undefined;
  /** CA certificates to trust besides the system ones (the emulator's, in demo and tests). */
  extraCaPem?: string[] | undefined;
  /** Graph client tuning (tests shorten timeouts and retries). */
  graphTimeoutMs?: number | undefined;
  /** UPN partitions a full run reads at once (GRAPH_PARALLEL_READS; default 4, 1 = sequential). */
  graphParallelReads?: number | undefined;
  /** The smallest directory a full run reads in partitions (tests lower it; see graph-source.ts). */
  graphParallelFromUsers?: number | undefined;
  onGraphEvent?: ((e: GraphEvent) => void) | undefined;
  workerId?: string;
  /** A running run without a heartbeat for this long is taken over (default 60 s). */
  staleAfterMs?: number;
  /** Test connection's near-real-time step, run when the setting is on (issue 16). */
  checkNotifications?: (() => Promise<ConnectionStep>) | undefined;
}

export interface RunRequest {
  full: boolean;
  dryRun: boolean;
  trigger: RunTrigger;
  /** Reconcile from the mirror only, no Graph request (settings changes). */
  reconcileOnly?: boolean;
}

/** The sync engine's entry points for the API, the CLI and the schedulers. */
export interface SyncService {
  /** Queues a run (409 RunInProgressError if one is active) and hands it to the dispatcher. */
  requestRun(orgId: string, integrationId: string, request: RunRequest): Promise<Run>;
  /** Executes a queued run in this process (dispatchers call this). */
  execute(runId: string): Promise<Run | undefined>;
  testConnection(orgId: string, integrationId: string): Promise<ConnectionTestResult>;
  /** Groups of the integration's tenant by name prefix, with their transitive user counts. */
  searchGroups(
    orgId: string,
    integrationId: string,
    prefix: string,
  ): Promise<{ id: string; displayName: string; memberCount: number }[]>;
  /** Users in one group, nested groups included. */
  groupUserCount(orgId: string, integrationId: string, groupId: string): Promise<number>;
  approve(orgId: string, runId: string, approvedBy?: string): Promise<Run>;
  /**
   * SPEC §5.12: after units, user types or settings changed, queues a reconcile (trigger
   * `settings`, no Graph request) for each enabled integration of the organisation that has
   * synced and whose configuration fingerprint no longer matches. An integration with a run
   * in progress is left to it: every run checks the fingerprint again when it ends.
   */
  reconcileSettings(orgId: string): Promise<void>;
  setDispatcher(dispatcher: RunDispatcher): void;
  /** The integration's Graph client with its saved credentials (subscriptions, issue 16). */
  openGraphClient(integrationId: string): Promise<GraphClient>;
  /**
   * The first `max` users of the integration's tenant, read from Graph with its saved
   * credentials (the field preview before the first sync). Graph failures throw an AppError
   * with the readable message of a failed run.
   */
  sampleUsers(orgId: string, integrationId: string, max: number): Promise<EntraUser[]>;
}

export function createSyncService(deps: SyncServiceDeps): SyncService {
  let dispatcher: RunDispatcher | undefined;
  const workerId = deps.workerId ?? `${hostname()}:${process.pid}`;

  async function clientFor(
    integrationId: string,
    onWait?: (wait: { reason: RunWaitingReason; waitMs: number }) => void,
  ): Promise<GraphClient> {
    const creds = await loadCredentials(deps.db, deps.secretBox, integrationId);
    if (!creds)
      throw new AppError(
        400,
        'secret_missing',
        'The integration has no client secret: enter one and save',
      );
    return createGraphClient({
      ...creds,
      authorityHost: deps.authorityHost,
      graphEndpoint: deps.graphEndpoint,
      extraCaPem: deps.extraCaPem,
      timeoutMs: deps.graphTimeoutMs,
      onEvent: (e) => {
        deps.onGraphEvent?.(e);
        const wait = onWait && waitingOf(e);
        if (wait) onWait(wait);
      },
    });
  }

  const engine: EngineDeps = {
    db: deps.db,
    log: deps.log,
    clock: deps.clock,
    retentionDays: deps.retentionDays,
    workerId,
    staleAfterMs: deps.staleAfterMs ?? 60_000,
    openSource: async (integration: IntegrationRow, onWait) =>
      graphUserSource(await clientFor(integration.id, onWait), {
        parallelReads: deps.graphParallelReads,
        parallelFromUsers: deps.graphParallelFromUsers,
      }),
    classify: classifyFailure,
  };

  async function reconcileIfOutdated(integrationId: string): Promise<void> {
    const row = await findIntegrationRow(deps.db, integrationId);
    if (!row || row.enabled !== 1 || row.reconciled_config === null) return;
    const config = await loadConfig(deps.db, row);
    if (config.snapshot === row.reconciled_config) return;
    try {
      const run = await createRun(
        deps.db,
        {
          integrationId,
          orgId: row.org_id,
          trigger: 'settings',
          mode: 'reconcile',
          dryRun: false,
        },
        deps.clock.now().toISOString(),
      );
      if (dispatcher) await dispatcher.dispatch({ runId: run.id, integrationId });
    } catch (err) {
      if (!(err instanceof RunInProgressError)) throw err;
    }
  }

  async function integrationOf(orgId: string, integrationId: string) {
    const row = await findIntegrationRow(deps.db, integrationId, orgId);
    if (!row) throw new NotFoundError('Integration');
    return row;
  }

  return {
    async requestRun(orgId, integrationId, request) {
      await integrationOf(orgId, integrationId);
      let run: Run;
      try {
        run = await createRun(
          deps.db,
          {
            integrationId,
            orgId,
            trigger: request.trigger,
            mode: request.reconcileOnly ? 'reconcile' : request.full ? 'full' : 'incremental',
            dryRun: request.dryRun,
          },
          deps.clock.now().toISOString(),
        );
      } catch (err) {
        // The active run's worker died (no heartbeat): hand that run out again to finish it,
        // rather than refusing forever.
        if (!(err instanceof RunInProgressError)) throw err;
        const active = await getRunRow(deps.db, err.runId);
        const staleBefore = deps.clock.now().getTime() - engine.staleAfterMs;
        const stale =
          active?.status === 'running' && Date.parse(active.heartbeat_at ?? '') < staleBefore;
        if (!stale) throw err;
        run = toRun(active);
      }
      if (dispatcher) await dispatcher.dispatch({ runId: run.id, integrationId });
      return run;
    },
    async execute(runId) {
      const run = await executeRun(engine, runId);
      // A configuration change made while this run was reconciling (its own request found
      // the run active) is picked up now.
      if (run && !run.dryRun) await reconcileIfOutdated(run.integrationId);
      return run;
    },
    openGraphClient: (integrationId) => clientFor(integrationId),
    async reconcileSettings(orgId) {
      for (const id of await listReconciledIntegrationIds(deps.db, orgId)) {
        await reconcileIfOutdated(id);
      }
    },
    async testConnection(orgId, integrationId) {
      const row = await integrationOf(orgId, integrationId);
      try {
        // Group scope also needs GroupMember.Read.All: tested as a step of its own.
        const groups = row.scope_mode === 'groups';
        const result = await (await clientFor(integrationId)).testConnection({ groups });
        if (row.near_real_time === 1 && deps.checkNotifications) {
          const step = await deps.checkNotifications();
          return { ok: result.ok && step.ok, steps: [...result.steps, step] };
        }
        return result;
      } catch (err) {
        const info = classifyFailure(err);
        return { ok: false, steps: [{ name: 'token', ok: false, message: info.message }] };
      }
    },
    async searchGroups(orgId, integrationId, prefix) {
      await integrationOf(orgId, integrationId);
      const client = await clientFor(integrationId);
      // One $count request per group found (at most 20): the picker shows sizes as it lists.
      const groups = await client.searchGroups(prefix);
      return Promise.all(
        groups.map(async (g) => ({ ...g, memberCount: await client.groupUserCount(g.id) })),
      );
    },
    async groupUserCount(orgId, integrationId, groupId) {
      await integrationOf(orgId, integrationId);
      return (await clientFor(integrationId)).groupUserCount(groupId);
    },
    approve: (orgId, runId, approvedBy) =>
      approveHeldDeletions(deps.db, orgId, runId, deps.clock.now(), deps.retentionDays, approvedBy),
    setDispatcher(d) {
      dispatcher = d;
    },
    async sampleUsers(orgId, integrationId, max) {
      await integrationOf(orgId, integrationId);
      const out: EntraUser[] = [];
      try {
        const client = await clientFor(integrationId);
        for await (const page of client.listUsers()) {
          for (const u of page.users) {
            if (out.length >= max) return out;
            out.push(u);
          }
          if (out.length >= max) return out;
        }
        return out;
      } catch (err) {
        if (err instanceof AppError) throw err;
        const info = classifyFailure(err);
        throw new AppError(502, info.code, info.message);
      }
    },
  };
}
