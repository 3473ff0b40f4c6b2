import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import { createOrganization } from '../../src/directory/organizations.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { createIntegration } from '../../src/integrations/service.ts';
import { createSecretBox } from '../../src/integrations/secret-box.ts';
import { RUN_QUEUE, startQueueJobs, type QueueJobs } from '../../src/jobs/queue.ts';
import { createLogger } from '../../src/log.ts';
import { syncServiceFor } from '../../src/sync/from-context.ts';
import { RunInProgressError } from '../../src/sync/runs-repo.ts';
import type { SyncService } from '../../src/sync/service.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.ts';

const INTEGRATIONS = 50;
const USERS = 300;
const root = new URL('../../', import.meta.url);
// The real bin once `worker` is wired into src/cli.ts; until then the same command
// registered alone (test/jobs/worker-entry.ts).
const wired = readFileSync(new URL('src/cli.ts', root), 'utf8').includes('registerWorker(');
const workerArgs = wired
  ? ['bin/azure-user-sync.js', 'worker']
  : ['--import', 'tsx', 'test/jobs/worker-entry.ts', 'worker'];

interface Worker {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

describe.skipIf(!(await postgresAvailable()))('PostgreSQL job queue with worker processes', () => {
  let db: TestDatabase;
  let emulator: Emulator;
  let jobs: QueueJobs;
  let sync: SyncService;
  const workers: Worker[] = [];
  const key = randomBytes(32);
  const integrationIds: string[] = [];
  let killedIntegration = '';

  function startWorker(): Worker {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env))
      if (k.startsWith('VITEST') || k === 'NODE_OPTIONS') delete env[k];
    const child = spawn(process.execPath, workerArgs, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...env,
        DATABASE_URL: db.url,
        ENCRYPTION_KEY: key.toString('base64'),
        AZURE_AUTHORITY_HOST: emulator.origin,
        GRAPH_ENDPOINT: emulator.origin,
        NODE_EXTRA_CA_CERTS: emulator.caCertFile,
        RUN_HEARTBEAT_TIMEOUT_SECONDS: '2',
        WORKER_CONCURRENCY: '2',
        LOG_LEVEL: 'warn',
      },
    });
    const output: string[] = [];
    child.stdout?.on('data', (b: Buffer) => output.push(b.toString()));
    child.stderr?.on('data', (b: Buffer) => output.push(b.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const w = { child, output, exited };
    workers.push(w);
    return w;
  }

  const allRuns = () =>
    db.db
      .selectFrom('sync_runs')
      .selectAll()
      .orderBy('integration_id')
      .orderBy('started_at')
      .execute();

  async function waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    ms: number,
  ): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > until) {
        const summary = await db.db
          .selectFrom('sync_runs')
          .select(['status', 'worker_id', 'users_read', 'pages', 'heartbeat_at', 'error_message'])
          .execute();
        console.error(JSON.stringify(summary, null, 1), new Date().toISOString());
        throw new Error(
          `timed out waiting for ${what}\n${workers.map((w) => w.output.join('')).join('\n---\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    // Latency makes every run take a moment, so a worker can be killed in the middle of one.
    emulator = await startEmulator({ latencyMs: 300 });
    const secretBox = createSecretBox(key);
    const log = createLogger('silent');
    const now = new Date();
    for (let i = 0; i < INTEGRATIONS; i++) {
      const tenant = emulator.createTenant();
      tenant.generate(USERS, i + 1);
      const org = await createOrganization(db.db, `Org ${i}`, now);
      const created = await createIntegration(
        { db: db.db, secretBox, clock: systemClock, log },
        org.id,
        {
          name: `Entra ${i}`,
          applicationId: tenant.defaultApp.clientId,
          tenantId: tenant.id,
          secret: tenant.defaultApp.secret,
          unitField: 'department',
          userTypeField: 'jobTitle',
          enabled: true,
        },
      );
      integrationIds.push(created.id);
    }
    const config = loadConfig({
      DATABASE_URL: db.url,
      ENCRYPTION_KEY: key.toString('base64'),
      RUN_HEARTBEAT_TIMEOUT_SECONDS: '2',
    });
    const ctx: AppContext = { config, database: db, db: db.db, log, clock: systemClock, secretBox };
    sync = syncServiceFor(ctx);
    // This process plays `serve`: it schedules and recovers, the worker processes execute.
    jobs = await startQueueJobs(ctx, sync, { schedule: true, work: false, tickMs: 500 });
    await jobs.scheduler?.stop();
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await jobs?.stop();
    await emulator?.close();
    await db?.drop();
  }, 60_000);

  it('runs all 50 integrations once each, survives a SIGKILLed worker, never overlaps', async () => {
    // Every integration is due now.
    await db.db
      .updateTable('integrations')
      .set({ next_run_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const report = await jobs.scheduler!.tick();
    expect(report.requested.sort()).toEqual([...integrationIds].sort());

    // "Initiate synchronisation" while the scheduled run waits: refused, no second run.
    for (const id of integrationIds) {
      const org = await db.db
        .selectFrom('integrations')
        .select('org_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      await expect(
        sync.requestRun(org.org_id, id, { full: true, dryRun: false, trigger: 'manual' }),
      ).rejects.toBeInstanceOf(RunInProgressError);
    }
    expect(await allRuns()).toHaveLength(INTEGRATIONS);

    const [victim] = [startWorker(), startWorker(), startWorker()];
    jobs.scheduler!.start();

    // Kill the first worker while it is in the middle of a run.
    const victimId = `:${victim!.child.pid}`;
    const inFlight = await waitFor(
      'a run on the first worker',
      async () => {
        const rows = await db.db
          .selectFrom('sync_runs')
          .select(['id', 'worker_id'])
          .where('status', '=', 'running')
          .execute();
        const mine = rows.filter((r) => r.worker_id?.endsWith(victimId));
        return mine.length ? mine : undefined;
      },
      60_000,
    );
    victim!.child.kill('SIGKILL');
    await victim!.exited;
    const killed = await db.db
      .selectFrom('sync_runs')
      .selectAll()
      .where(
        'id',
        'in',
        inFlight.map((r) => r.id),
      )
      .where('status', '=', 'running')
      .execute();
    expect(killed.length).toBeGreaterThan(0);
    const killedWorker = killed[0]!.worker_id;

    const finished = await waitFor(
      'every run to finish',
      async () => {
        const rows = await allRuns();
        return rows.every((r) => r.status !== 'queued' && r.status !== 'running')
          ? rows
          : undefined;
      },
      90_000,
    );
    expect(finished).toHaveLength(INTEGRATIONS);
    expect(
      finished.filter((r) => r.status !== 'succeeded').map((r) => [r.id, r.error_message]),
    ).toEqual([]);
    expect(new Set(finished.map((r) => r.integration_id)).size).toBe(INTEGRATIONS);
    for (const run of killed) {
      const after = finished.find((r) => r.id === run.id)!;
      expect(after.status).toBe('succeeded');
      expect(after.worker_id).not.toBe(killedWorker);
      expect(after.users_read).toBe(USERS);
    }
    killedIntegration = killed[0]!.integration_id;
  }, 120_000);

  it('runs manual syncs through the queue without two runs of one integration at once', async () => {
    // The integration whose run was killed is among them, with a full run: finding nothing
    // to change proves the interrupted run ended in the state of an uninterrupted one.
    const others = integrationIds.filter((i) => i !== killedIntegration).slice(0, 9);
    const some = [killedIntegration, ...others];
    for (const id of some) {
      const org = await db.db
        .selectFrom('integrations')
        .select('org_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const full = id === killedIntegration;
      const run = await sync.requestRun(org.org_id, id, { full, dryRun: false, trigger: 'manual' });
      // Pressed again while it waits or runs: refused, no second run.
      await expect(
        sync.requestRun(org.org_id, id, { full, dryRun: false, trigger: 'manual' }),
      ).rejects.toBeInstanceOf(RunInProgressError);
      // The same run delivered twice (no singleton key): the second delivery changes nothing.
      await jobs.boss.send(RUN_QUEUE, { runId: run.id });
    }
    const rows = await waitFor(
      'the manual runs',
      async () => {
        const r = await allRuns();
        return r.length === INTEGRATIONS + some.length && r.every((x) => x.status === 'succeeded')
          ? r
          : undefined;
      },
      60_000,
    );
    const byIntegration = new Map<string, { start: string; end: string }[]>();
    for (const r of rows) {
      const list = byIntegration.get(r.integration_id) ?? [];
      list.push({ start: r.started_at ?? '', end: r.finished_at ?? '' });
      byIntegration.set(r.integration_id, list);
    }
    for (const list of byIntegration.values()) {
      list.sort((a, b) => a.start.localeCompare(b.start));
      for (let i = 1; i < list.length; i++) expect(list[i]!.start >= list[i - 1]!.end).toBe(true);
    }
    expect([...byIntegration.values()].filter((l) => l.length === 2)).toHaveLength(some.length);
    const check = rows.find(
      (r) => r.integration_id === killedIntegration && r.trigger === 'manual',
    )!;
    expect(check).toMatchObject({
      mode: 'full',
      users_read: USERS,
      created: 0,
      updated: 0,
      linked: 0,
      deactivated: 0,
      reactivated: 0,
    });
    expect(check.unchanged).toBeGreaterThan(0);
  }, 90_000);

  it('stops the remaining workers gracefully on SIGTERM', async () => {
    const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    expect(alive.length).toBe(2);
    for (const w of alive) w.child.kill('SIGTERM');
    const codes = await Promise.all(alive.map((w) => w.exited));
    expect(codes).toEqual([0, 0]);
  }, 60_000);
});
