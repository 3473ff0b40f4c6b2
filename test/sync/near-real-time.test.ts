/**
 * Near-real-time updates end to end (issue 16): the real service (`startService`: HTTP,
 * job system — in-process on SQLite, pg-boss on PostgreSQL — and the notification manager)
 * against the Graph emulator over real HTTP(S). The emulator creates the subscription with
 * the validation handshake against the service's hook URL and posts notifications to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../src/context.ts';
import { loadConfig } from '../../src/config.ts';
import { createScheduler } from '../../src/jobs/scheduler.ts';
import { updateIntegrationRow } from '../../src/integrations/repository.ts';
import { startService, type RunningService } from '../../src/runtime.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

interface RunItem {
  id: string;
  trigger: string;
  status: string;
  mode: string;
}

const FAR_FUTURE = '2100-01-01T00:00:00.000Z';

async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeEachDialect('near-real-time updates', (dialect) => {
  let env: SyncEnv;
  let ctx: AppContext;
  let service: RunningService;
  let offset = 0;
  let token = '';
  const key = randomBytes(32);

  async function api(method: string, path: string, body?: unknown): Promise<Response> {
    const send = () =>
      fetch(`${service.server.url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    let res = await send();
    if (res.status === 401) {
      const login = await fetch(`${service.server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: env.adminEmail, password: env.adminPassword }),
      });
      token = ((await login.json()) as { token: string }).token;
      res = await send();
    }
    return res;
  }

  async function runs(): Promise<RunItem[]> {
    const res = await api('GET', `/integrations/${env.integrationId}/runs?limit=100`);
    return ((await res.json()) as { items: RunItem[] }).items;
  }

  async function quiet(): Promise<void> {
    await until('runs to finish', async () =>
      (await runs()).every((r) => r.status !== 'queued' && r.status !== 'running'),
    );
  }

  async function userByEmail(email: string): Promise<{ id: string } | undefined> {
    const res = await api('GET', `/users?email=${encodeURIComponent(email)}`);
    return ((await res.json()) as { items: { id: string }[] }).items[0];
  }

  const subscriptions = () => env.emulator.subscriptions.list();

  beforeAll(async () => {
    env = await createSyncEnv(dialect, {
      emulatorUsers: 20,
      seed: 16,
      encryptionKey: key,
      emulator: { allowHttpNotificationUrls: true },
    });
    const base = loadConfig({
      DATABASE_URL: env.db.url,
      ENCRYPTION_KEY: key.toString('base64'),
      LOG_LEVEL: 'silent',
    });
    ctx = {
      config: {
        ...base,
        azureAuthorityHost: env.emulator.origin,
        graphEndpoint: env.emulator.origin,
        notificationDebounceMs: 300,
      },
      database: env.db,
      db: env.db.db,
      log: env.log,
      // Real time (the emulator checks expirations against its own clock), movable forward.
      clock: { now: () => new Date(Date.now() + offset) },
      secretBox: env.secretBox,
    };
    // No scheduled run during the test unless a test asks for one.
    await updateIntegrationRow(env.db.db, env.integrationId, { next_run_at: FAR_FUTURE });
    service = await startService(ctx, {
      host: '127.0.0.1',
      port: 0,
      extraCaPem: [env.emulator.caCertPem],
      nearRealTime: { tickMs: 100, maintainMs: 200, retryBaseMs: 200 },
    });
    // The local http URL stands in for the public https one (the emulator allows it here).
    ctx.config.notificationBaseUrl = new URL(service.server.url);
    await service.sync.requestRun(env.orgId, env.integrationId, {
      full: true,
      dryRun: false,
      trigger: 'manual',
    });
    await quiet();
    const enabled = await api('PATCH', `/integrations/${env.integrationId}`, {
      nearRealTime: true,
    });
    expect(enabled.status).toBe(200);
    await until('the subscription', async () => subscriptions().length === 1);
    await quiet();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await env?.close();
  });

  it('creates the Graph subscription (handshake passed) and shows it active with its renewal', async () => {
    const [sub] = subscriptions();
    expect(sub).toMatchObject({
      resource: 'users',
      changeType: 'updated,deleted',
      notificationUrl: `${service.server.url}/api/hooks/graph/notifications`,
      lifecycleNotificationUrl: `${service.server.url}/api/hooks/graph/lifecycle`,
    });
    // 43 random characters, stored sealed: not readable in the database.
    expect(sub?.clientState).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await env.db.db.selectFrom('graph_subscriptions').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.client_state_ciphertext).not.toContain(sub?.clientState ?? '?');
    const view = (await (await api('GET', `/integrations/${env.integrationId}`)).json()) as {
      nearRealTime: boolean;
      nearRealTimeStatus: { state: string; renewsAt: string; expiresAt: string };
    };
    expect(view.nearRealTime).toBe(true);
    expect(view.nearRealTimeStatus.state).toBe('active');
    expect(Date.parse(view.nearRealTimeStatus.renewsAt)).toBeLessThan(
      Date.parse(view.nearRealTimeStatus.expiresAt),
    );
    const metrics = await (await fetch(`${service.server.url}/metrics`)).text();
    expect(metrics).toContain('azure_user_sync_graph_subscriptions{state="active"} 1');
    expect(metrics).toMatch(
      /azure_user_sync_graph_subscription_actions_total\{action="create",outcome="ok"\} 1/,
    );
  });

  it('Test connection checks that the public URL answers the validation handshake', async () => {
    const res = await api('POST', `/integrations/${env.integrationId}/test`, {});
    const result = (await res.json()) as { ok: boolean; steps: { name: string; ok: boolean }[] };
    expect(result.steps.map((s) => s.name)).toEqual([
      'token',
      'permission',
      'read-user',
      'notifications',
    ]);
    expect(result.ok).toBe(true);
  });

  it('a change in the emulated tenant reaches the directory without a manual or scheduled run', async () => {
    const before = (await runs()).length;
    const mail = `nrt-${randomBytes(3).toString('hex')}@contoso.example`;
    const started = Date.now();
    env.emulator.tenant.addUser({ givenName: 'Near', surname: 'Realtime', mail });
    await until('the new user in the directory', () => userByEmail(mail));
    const delay = Date.now() - started;
    console.log(`[${dialect}] change → directory in ${delay} ms (debounce 300 ms)`);
    await quiet();
    const added = (await runs()).slice(0, (await runs()).length - before);
    expect(added.length).toBeGreaterThanOrEqual(1);
    expect(added.every((r) => r.trigger === 'notification' && r.mode === 'incremental')).toBe(true);
  });

  it('a burst of 1,000 changes yields at most 2 runs', async () => {
    await quiet();
    const before = (await runs()).length;
    const delivered = env.emulator.subscriptions.stats.delivered;
    const ids = [...env.emulator.tenant.users()].map((u) => u.id);
    for (let i = 0; i < 1000; i++) {
      env.emulator.tenant.updateUser(ids[i % ids.length] as string, { city: `City ${i}` });
    }
    await until('1,000 notifications delivered', async () =>
      env.emulator.subscriptions.stats.delivered >= delivered + 1000 ? true : undefined,
    );
    await until('a notification run', async () => (await runs()).length > before);
    await quiet();
    // Long enough for any further debounce to end and its run to finish.
    await new Promise((r) => setTimeout(r, 1000));
    await quiet();
    const added = (await runs()).length - before;
    console.log(`[${dialect}] 1,000 changes → ${added} run(s)`);
    expect(added).toBeGreaterThanOrEqual(1);
    expect(added).toBeLessThanOrEqual(2);
  });

  it('refuses forged notifications (wrong clientState, unknown subscription, wrong type, oversized) and runs nothing', async () => {
    await quiet();
    const before = (await runs()).length;
    const sub = subscriptions()[0];
    const hook = `${service.server.url}/api/hooks/graph/notifications`;
    const note = (subscriptionId: string, clientState: string) =>
      JSON.stringify({
        value: [{ subscriptionId, clientState, changeType: 'updated', resource: 'Users/x' }],
      });
    const json = { 'content-type': 'application/json' };
    const wrongState = await fetch(hook, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: note(sub?.id ?? '', 'not-the-client-state'),
    });
    expect(wrongState.status).toBe(403);
    const unknown = await fetch(hook, {
      method: 'POST',
      headers: json,
      body: note('00000000-0000-0000-0000-000000000000', sub?.clientState ?? ''),
    });
    expect(unknown.status).toBe(403);
    const textBody = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: note(sub?.id ?? '', sub?.clientState ?? ''),
    });
    expect(textBody.status).toBe(415);
    const form = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'value=1',
    });
    expect(form.status).toBe(415);
    const huge = await fetch(hook, {
      method: 'POST',
      headers: json,
      body: note(sub?.id ?? '', `${sub?.clientState ?? ''}${'x'.repeat(300 * 1024)}`),
    });
    expect(huge.status).toBe(413);
    const lifecycle = await fetch(`${service.server.url}/api/hooks/graph/lifecycle`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        value: [{ subscriptionId: sub?.id, clientState: 'forged', lifecycleEvent: 'missed' }],
      }),
    });
    expect(lifecycle.status).toBe(403);
    // The handshake answers anyone (Graph sends it before it knows us), and only echoes.
    const echo = await fetch(`${hook}?validationToken=${encodeURIComponent('a b&c')}`, {
      method: 'POST',
    });
    expect(echo.status).toBe(200);
    expect(echo.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await echo.text()).toBe('a b&c');

    await new Promise((r) => setTimeout(r, 1500));
    expect((await runs()).length).toBe(before);
    const due = await env.db.db.selectFrom('graph_subscriptions').select('run_due_at').execute();
    expect(due.every((r) => r.run_due_at === null)).toBe(true);
  });

  it('missed → a run at once', async () => {
    await quiet();
    const before = (await runs()).length;
    const sub = subscriptions()[0];
    expect(await env.emulator.subscriptions.lifecycle(sub?.id ?? '', 'missed')).toBe(true);
    const run = await until('a run after missed', async () => {
      const all = await runs();
      return all.length > before ? all[0] : undefined;
    });
    expect(run.trigger).toBe('notification');
    await quiet();
  });

  it('reauthorizationRequired → the service renews, and notifications flow again', async () => {
    const sub = subscriptions()[0];
    const expiresBefore = sub?.expiresAt ?? 0;
    await env.emulator.subscriptions.lifecycle(sub?.id ?? '', 'reauthorizationRequired');
    await until('reauthorized', async () => {
      const now = subscriptions()[0];
      return now && !now.needsReauthorization && now.expiresAt > expiresBefore;
    });
    const mail = `reauth-${randomBytes(3).toString('hex')}@contoso.example`;
    env.emulator.tenant.addUser({ givenName: 'After', surname: 'Reauth', mail });
    await until('the user after reauthorization', () => userByEmail(mail));
    await quiet();
  });

  it('subscriptionRemoved → a new subscription is created, and notifications flow again', async () => {
    const old = subscriptions()[0];
    await env.emulator.subscriptions.lifecycle(old?.id ?? '', 'subscriptionRemoved');
    const fresh = await until('a new subscription', async () => {
      const list = subscriptions();
      return list.length === 1 && list[0]?.id !== old?.id ? list[0] : undefined;
    });
    expect(fresh.clientState).not.toBe(old?.clientState);
    await quiet();
    const mail = `removed-${randomBytes(3).toString('hex')}@contoso.example`;
    env.emulator.tenant.addUser({ givenName: 'After', surname: 'Removal', mail });
    await until('the user after re-creation', () => userByEmail(mail));
    await quiet();
  });

  it('with notifications failing, the scheduled (hourly) run still converges', async () => {
    env.emulator.subscriptions.setDeliveryEnabled(false);
    try {
      const mail = `lost-${randomBytes(3).toString('hex')}@contoso.example`;
      env.emulator.tenant.addUser({ givenName: 'Lost', surname: 'Notification', mail });
      await new Promise((r) => setTimeout(r, 1500));
      expect(await userByEmail(mail)).toBeUndefined();
      // The hourly run comes due.
      await updateIntegrationRow(env.db.db, env.integrationId, {
        next_run_at: new Date(Date.now() + offset - 1000).toISOString(),
      });
      const scheduler = createScheduler(
        {
          db: env.db.db,
          log: env.log,
          clock: ctx.clock,
          sync: service.sync,
          dispatcher: { dispatch: async () => undefined },
          staleAfterMs: 60_000,
        },
        { recover: false },
      );
      expect((await scheduler.tick()).requested).toEqual([env.integrationId]);
      await until('the user after the scheduled run', () => userByEmail(mail));
      await quiet();
      expect((await runs())[0]?.trigger).toBe('schedule');
      await updateIntegrationRow(env.db.db, env.integrationId, { next_run_at: FAR_FUTURE });
    } finally {
      env.emulator.subscriptions.setDeliveryEnabled(true);
    }
  });

  it('renews the subscription before it expires', async () => {
    const sub = subscriptions()[0];
    const expiresBefore = sub?.expiresAt ?? 0;
    // 28.5 days later, on both clocks: within the day before expiry, the renewal window.
    const jump = 28.5 * 86_400_000;
    env.emulator.advanceTime(jump);
    offset += jump;
    const renewed = await until('renewed', async () => {
      const now = subscriptions()[0];
      return now && now.expiresAt > expiresBefore ? now : undefined;
    });
    expect(renewed.id).toBe(sub?.id);
    expect(renewed.expiresAt - (Date.now() + offset)).toBeGreaterThan(28 * 86_400_000);
    const mail = `renewed-${randomBytes(3).toString('hex')}@contoso.example`;
    env.emulator.tenant.addUser({ givenName: 'After', surname: 'Renewal', mail });
    await until('the user after renewal', () => userByEmail(mail));
  });

  it('turning the setting off deletes the subscription at Graph', async () => {
    await quiet();
    const res = await api('PATCH', `/integrations/${env.integrationId}`, { nearRealTime: false });
    expect(res.status).toBe(200);
    await until('no subscription', async () => subscriptions().length === 0);
    await until(
      'no row',
      async () =>
        (await env.db.db.selectFrom('graph_subscriptions').selectAll().execute()).length === 0,
    );
  });
});

describe('near-real-time without a public https URL', () => {
  it('stays unavailable and says why; a wrong value is a 400 naming nearRealTime', async () => {
    const env = await createSyncEnv('sqlite', { emulatorUsers: 2 });
    try {
      const res = await env.api('PATCH', `/integrations/${env.integrationId}`, {
        nearRealTime: true,
      });
      expect(res.status).toBe(200);
      const status = (res.body as { nearRealTimeStatus: { state: string; message: string } })
        .nearRealTimeStatus;
      expect(status.state).toBe('unavailable');
      expect(status.message).toContain('PUBLIC_URL');
      const bad = await env.api('PATCH', `/integrations/${env.integrationId}`, {
        nearRealTime: 'yes',
      });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('nearRealTime');
    } finally {
      await env.close();
    }
  });
});
