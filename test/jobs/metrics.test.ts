import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_URL, loadConfig } from '../../src/config.ts';
import { startEmbeddedJobs, type EmbeddedJobs } from '../../src/jobs/embedded.ts';
import { countQueuedRuns } from '../../src/jobs/schedule-repo.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { registerMetricsRoute } from '../../src/metrics/route.ts';
import { createSyncService } from '../../src/sync/service.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

describe('metrics', () => {
  let env: SyncEnv;
  let jobs: EmbeddedJobs;
  let server: FastifyInstance;
  let url = '';

  beforeAll(async () => {
    env = await createSyncEnv('sqlite', { emulatorUsers: 30, seed: 3 });
    const metrics = createMetrics({ queuedRuns: () => countQueuedRuns(env.db.db) });
    const sync = createSyncService({
      db: env.db.db,
      log: env.log,
      clock: env.clock,
      secretBox: env.secretBox,
      retentionDays: 90,
      authorityHost: env.emulator.origin,
      graphEndpoint: env.emulator.origin,
      extraCaPem: [env.emulator.caCertPem],
      onGraphEvent: metrics.onGraphEvent,
    });
    const ctx = {
      config: loadConfig({ DATABASE_URL: DEFAULT_DATABASE_URL }),
      database: env.db,
      db: env.db.db,
      log: env.log,
      clock: env.clock,
      secretBox: env.secretBox,
    };
    jobs = await startEmbeddedJobs(ctx, sync, {
      manualTicks: true,
      onRunFinished: metrics.observeRun,
    });
    server = Fastify();
    registerMetricsRoute(server, metrics);
    url = await server.listen({ host: '127.0.0.1', port: 0 });
    // One throttled Graph request, then the run goes through.
    env.emulator.faults.script({ kind: '429', retryAfter: 0.01 });
    await sync.requestRun(env.orgId, env.integrationId, {
      full: true,
      dryRun: false,
      trigger: 'manual',
    });
    await jobs.runner.idle();
  });
  afterAll(async () => {
    await server.close();
    await jobs.stop();
    await env.close();
  });

  it('serves runs, durations, users changed, Graph traffic and queue depth as Prometheus text', async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (line: string) => {
      const hit = text.split('\n').find((l) => l.startsWith(line));
      return hit === undefined ? undefined : Number(hit.slice(line.length).trim());
    };
    expect(
      value('azure_user_sync_runs_total{status="succeeded",mode="full",trigger="manual"}'),
    ).toBe(1);
    expect(
      value('azure_user_sync_run_duration_seconds_count{status="succeeded",mode="full"}'),
    ).toBe(1);
    expect(value('azure_user_sync_users_changed_total{kind="created"}')).toBeGreaterThan(0);
    expect(
      value('azure_user_sync_graph_requests_total{target="graph",status="200"}'),
    ).toBeGreaterThan(0);
    expect(value('azure_user_sync_graph_requests_total{target="token",status="200"}')).toBe(1);
    expect(value('azure_user_sync_graph_throttles_total{target="graph"}')).toBe(1);
    expect(value('azure_user_sync_graph_retries_total{target="graph"}')).toBe(1);
    expect(value('azure_user_sync_queued_runs')).toBe(0);
  });

  it('counts queued runs in the queue depth gauge', async () => {
    await env.db.db
      .insertInto('sync_runs')
      .values({
        id: '5d0c3a4e-52a4-4d51-9a39-0d6b7c1f0a01',
        integration_id: env.integrationId,
        org_id: env.orgId,
        trigger: 'manual',
        mode: 'incremental',
        dry_run: 0,
        status: 'queued',
        queued_at: env.clock.now().toISOString(),
      })
      .execute();
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^azure_user_sync_queued_runs 1$/m);
  });
});

describe('worker command', () => {
  it('refuses SQLite with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aus-worker-'));
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: `sqlite:${dir}/x.db`,
        ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      };
      delete env.NODE_OPTIONS;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/jobs/worker-entry.ts', 'worker'],
        { cwd: new URL('../../', import.meta.url), env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code).toBe(2);
      expect(err).toMatch(/worker needs PostgreSQL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
