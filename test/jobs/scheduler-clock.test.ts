import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.ts';
import { DEFAULT_DATABASE_URL, loadConfig } from '../../src/config.ts';
import { startEmbeddedJobs, type EmbeddedJobs } from '../../src/jobs/embedded.ts';
import { phaseOffsetMs } from '../../src/jobs/schedule.ts';
import { createScheduler } from '../../src/jobs/scheduler.ts';
import { createIntegration } from '../../src/integrations/service.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

function contextOf(env: SyncEnv): AppContext {
  return {
    config: { ...loadConfig({ DATABASE_URL: DEFAULT_DATABASE_URL }), runStaleSeconds: 60 },
    database: env.db,
    db: env.db.db,
    log: env.log,
    clock: env.clock,
    secretBox: env.secretBox,
  };
}

describeEachDialect('scheduler with the clock driven forward', (dialect) => {
  let env: SyncEnv;
  let jobs: EmbeddedJobs;
  let ctx: AppContext;

  beforeAll(async () => {
    env = await createSyncEnv(dialect, { emulatorUsers: 40, seed: 5 });
    ctx = contextOf(env);
    jobs = await startEmbeddedJobs(ctx, env.sync, { manualTicks: true });
  });
  afterAll(async () => {
    await jobs.stop();
    await env.close();
  });

  const integration = (id = env.integrationId) =>
    env.db.db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const runs = (id = env.integrationId) =>
    env.db.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('integration_id', '=', id)
      .orderBy('queued_at')
      .execute();
  /** One scheduler pass, then wait for the runs it started. */
  async function tick() {
    const report = await jobs.scheduler.tick();
    await jobs.runner.idle();
    return report;
  }
  /** Moves the clock to the integration's next run time and ticks. */
  async function tickAtNextRun(id = env.integrationId) {
    const next = (await integration(id)).next_run_at;
    if (!next) throw new Error('no next run planned');
    env.clock.set(new Date(next));
    return tick();
  }

  it('plans a new integration within a minute, then runs it (full) when due', async () => {
    const start = env.clock.now().getTime();
    const first = await tick();
    expect(first.planned).toEqual([env.integrationId]);
    expect(first.requested).toEqual([]);
    const planned = Date.parse((await integration()).next_run_at ?? '');
    expect(planned - start).toBeGreaterThanOrEqual(0);
    expect(planned - start).toBeLessThan(MIN);

    // Nothing happens before the planned second.
    env.clock.set(new Date(planned - 1000));
    expect((await tick()).requested).toEqual([]);

    const report = await tickAtNextRun();
    expect(report.requested).toEqual([env.integrationId]);
    const [run] = await runs();
    expect(run).toMatchObject({ trigger: 'schedule', status: 'succeeded', mode: 'full' });
  });

  it('runs hourly on the integration phase, incrementally, with one run per due time', async () => {
    const dueTimes: number[] = [];
    for (let i = 0; i < 4; i++) {
      dueTimes.push(Date.parse((await integration()).next_run_at ?? ''));
      // Half way to the due time nothing runs.
      env.clock.set(new Date((env.clock.now().getTime() + dueTimes[i]!) / 2));
      expect((await tick()).requested).toEqual([]);
      expect((await tickAtNextRun()).requested).toEqual([env.integrationId]);
    }
    for (const t of dueTimes) expect(t % HOUR).toBe(phaseOffsetMs(env.integrationId, 60));
    for (let i = 1; i < dueTimes.length; i++) expect(dueTimes[i]! - dueTimes[i - 1]!).toBe(HOUR);
    const all = await runs();
    expect(all).toHaveLength(5);
    expect(all.slice(1).every((r) => r.mode === 'incremental' && r.status === 'succeeded')).toBe(
      true,
    );
  });

  it('gives integrations created together different phases (jitter)', async () => {
    const other = env.emulator.createTenant();
    const phases = new Set<number>([phaseOffsetMs(env.integrationId, 60)]);
    for (let i = 0; i < 3; i++) {
      const created = await createIntegration(ctx, env.orgId, {
        name: `Other ${i}`,
        applicationId: other.defaultApp.clientId,
        tenantId: other.id,
        secret: other.defaultApp.secret,
        unitField: 'department',
        userTypeField: 'jobTitle',
        enabled: false,
      });
      phases.add(phaseOffsetMs(created.id, 60));
    }
    expect(phases.size).toBe(4);
    // Disabled integrations are never planned nor run.
    await tick();
    const disabled = await env.db.db
      .selectFrom('integrations')
      .select('next_run_at')
      .where('enabled', '=', 0)
      .execute();
    expect(disabled.map((d) => d.next_run_at)).toEqual([null, null, null]);
  });

  it('backs off 1 h, 6 h, 24 h on credential failures and shows needs-attention', async () => {
    const patch = await env.api('PATCH', `/integrations/${env.integrationId}`, {
      secret: 'wrong-secret-value',
    });
    expect(patch.status).toBe(200);
    const before = (await runs()).length;
    const waits: number[] = [];
    for (let failures = 1; failures <= 3; failures++) {
      await tickAtNextRun();
      const failedAt = env.clock.now().getTime();
      const latest = (await runs()).at(-1);
      expect(latest).toMatchObject({ status: 'failed', trigger: 'schedule' });
      expect((await integration()).credential_failures).toBe(failures);
      // The next tick sees the new failure count and backs off from now.
      expect((await tick()).rescheduled).toEqual([env.integrationId]);
      waits.push(Date.parse((await integration()).next_run_at ?? '') - failedAt);
    }
    expect(waits[0]).toBeGreaterThanOrEqual(HOUR);
    expect(waits[0]).toBeLessThan(2 * HOUR);
    expect(waits[1]).toBeGreaterThanOrEqual(6 * HOUR);
    expect(waits[1]).toBeLessThan(7 * HOUR);
    expect(waits[2]).toBeGreaterThanOrEqual(24 * HOUR);
    expect((await runs()).length).toBe(before + 3);

    // Ticking every 15 minutes for 23 hours runs nothing: the back-off holds.
    const resumeAt = Date.parse((await integration()).next_run_at ?? '');
    for (let t = env.clock.now().getTime() + 15 * MIN; t < resumeAt; t += 15 * MIN) {
      env.clock.set(new Date(t));
      expect((await tick()).requested).toEqual([]);
    }
    expect((await runs()).length).toBe(before + 3);
    const view = await env.api('GET', `/integrations/${env.integrationId}`);
    expect(view.body).toMatchObject({ status: 'needs-attention' });
    expect(String((view.body as { attentionMessage: unknown }).attentionMessage)).toMatch(
      /secret/i,
    );
  });

  it('resumes within a minute once the secret is fixed', async () => {
    const patch = await env.api('PATCH', `/integrations/${env.integrationId}`, {
      secret: env.emulator.tenant.defaultApp.secret,
    });
    expect(patch.status).toBe(200);
    const fixedAt = env.clock.now().getTime();
    expect((await tick()).rescheduled).toEqual([env.integrationId]);
    const next = Date.parse((await integration()).next_run_at ?? '');
    expect(next - fixedAt).toBeLessThan(MIN);
    expect((await tickAtNextRun()).requested).toEqual([env.integrationId]);
    expect((await runs()).at(-1)).toMatchObject({ status: 'succeeded' });
    expect((await integration()).credential_failures).toBe(0);
    const view = await env.api('GET', `/integrations/${env.integrationId}`);
    expect(view.body).toMatchObject({ status: 'ok' });
    // Back to the hourly rhythm on its phase.
    await tick();
    const after = Date.parse((await integration()).next_run_at ?? '');
    expect(after % HOUR).toBe(phaseOffsetMs(env.integrationId, 60));
    expect(after - env.clock.now().getTime()).toBeLessThanOrEqual(1.5 * HOUR);
  });

  it('does not back off on a transient Graph outage', async () => {
    env.emulator.faults.script({ kind: '503', times: 100, retryAfter: 0.01 });
    try {
      const dueAt = Date.parse((await integration()).next_run_at ?? '');
      await tickAtNextRun();
      expect((await runs()).at(-1)).toMatchObject({ status: 'failed' });
      await tick();
      const i = await integration();
      expect(i.credential_failures).toBe(0);
      expect(Date.parse(i.next_run_at ?? '') - dueAt).toBe(HOUR);
    } finally {
      env.emulator.faults.clear();
    }
  });

  it('keeps the next run time across a restart and runs it then', async () => {
    const stored = (await integration()).next_run_at;
    await jobs.stop();
    jobs = await startEmbeddedJobs(ctx, env.sync, { manualTicks: true });
    expect((await integration()).next_run_at).toBe(stored);
    env.clock.set(new Date(Date.parse(stored ?? '') - 1000));
    expect((await tick()).requested).toEqual([]);
    expect((await tickAtNextRun()).requested).toEqual([env.integrationId]);
    expect((await runs()).at(-1)).toMatchObject({ status: 'succeeded' });
  });

  it('stops scheduling a disabled integration', async () => {
    const patch = await env.api('PATCH', `/integrations/${env.integrationId}`, { enabled: false });
    expect(patch.status).toBe(200);
    const count = (await runs()).length;
    for (let h = 0; h < 5; h++) {
      env.clock.set(new Date(env.clock.now().getTime() + HOUR));
      expect((await tick()).requested).toEqual([]);
    }
    expect((await runs()).length).toBe(count);
    // Re-enabled: due again at once, and the run is full.
    await env.api('PATCH', `/integrations/${env.integrationId}`, { enabled: true });
    expect((await tick()).requested).toEqual([env.integrationId]);
    expect((await runs()).at(-1)).toMatchObject({ status: 'succeeded', mode: 'full' });
  });

  it('lets only one of two schedulers ticking at once request a due run', async () => {
    const second = createScheduler({
      db: env.db.db,
      log: env.log,
      clock: env.clock,
      sync: env.sync,
      dispatcher: jobs.runner,
      staleAfterMs: 60_000,
    });
    env.clock.set(new Date(Date.parse((await integration()).next_run_at ?? '')));
    const [a, b] = await Promise.all([jobs.scheduler.tick(), second.tick()]);
    await jobs.runner.idle();
    expect([...a.requested, ...b.requested, ...a.busy, ...b.busy]).toEqual([env.integrationId]);
  });

  it('hands a run abandoned by a dead worker to a worker again', async () => {
    const now = env.clock.now();
    const runId = randomUUID();
    await env.db.db
      .insertInto('sync_runs')
      .values({
        id: runId,
        integration_id: env.integrationId,
        org_id: env.orgId,
        trigger: 'schedule',
        mode: 'incremental',
        dry_run: 0,
        status: 'running',
        queued_at: new Date(now.getTime() - 10 * MIN).toISOString(),
        started_at: new Date(now.getTime() - 10 * MIN).toISOString(),
        worker_id: 'dead-host:1',
        heartbeat_at: new Date(now.getTime() - 5 * MIN).toISOString(),
      })
      .execute();
    const report = await tick();
    expect(report.recovered).toEqual([runId]);
    const run = await env.db.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('id', '=', runId)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('succeeded');
    expect(run.worker_id).not.toBe('dead-host:1');
  });

  it('does the housekeeping once a day: purge and 90-day run history', async () => {
    const old = randomUUID();
    const longAgo = new Date(env.clock.now().getTime() - 100 * 86_400_000).toISOString();
    await env.db.db
      .insertInto('sync_runs')
      .values({
        id: old,
        integration_id: env.integrationId,
        org_id: env.orgId,
        trigger: 'schedule',
        mode: 'incremental',
        dry_run: 0,
        status: 'succeeded',
        queued_at: longAgo,
        started_at: longAgo,
        finished_at: longAgo,
      })
      .execute();
    // The first tick of this scheduler instance already did it; a day later it runs again.
    expect((await tick()).housekeeping).toBeNull();
    env.clock.set(new Date(env.clock.now().getTime() + 86_400_000));
    const report = await tick();
    expect(report.housekeeping?.deletedRuns).toBeGreaterThanOrEqual(1);
    const gone = await env.db.db
      .selectFrom('sync_runs')
      .select('id')
      .where('id', '=', old)
      .executeTakeFirst();
    expect(gone).toBeUndefined();
  });
});
