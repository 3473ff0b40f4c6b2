import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../src/context.ts';
import { loadConfig } from '../../src/config.ts';
import type { DialectKind } from '../../src/db/connect.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { updateIntegrationRow } from '../../src/integrations/repository.ts';
import { createLogger } from '../../src/log.ts';
import { startService } from '../../src/runtime.ts';
import { setUpProduct } from '../product.ts';
import type { ScenarioResult } from '../protocol.ts';

/** Changes measured, one a second: notifications, debounces and runs overlap as in life. */
const CHANGES = 100;
const SPACING_MS = 1000;

/**
 * Issue 16: time from a change in the emulated tenant to the changed user in the directory,
 * with near-real-time updates on — the real service (HTTP hooks, notification manager, job
 * system: in-process on SQLite, pg-boss on PostgreSQL), the emulator posting notifications
 * over HTTP, the default 10 s debounce, and no scheduled run. Each change renames one user
 * (a unique first name); the directory is polled every 50 ms for it.
 */
export async function notifyLatency(dialect: DialectKind, users: number): Promise<ScenarioResult> {
  const emulator = await startEmulator({ users, seed: 16, allowHttpNotificationUrls: true });
  const coords = {
    origin: emulator.origin,
    caCertPem: emulator.caCertPem,
    tenantId: emulator.tenant.id,
    clientId: emulator.tenant.defaultApp.clientId,
    secret: emulator.tenant.defaultApp.secret,
  };
  const product = await setUpProduct(dialect, coords, { nearRealTime: true });
  const base = loadConfig({
    DATABASE_URL: product.db.url,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
  });
  const ctx: AppContext = {
    config: { ...base, azureAuthorityHost: emulator.origin, graphEndpoint: emulator.origin },
    database: product.db,
    db: product.db.db,
    log: createLogger('warn'),
    clock: { now: () => new Date() },
    secretBox: product.secretBox,
  };
  const full = await product.run(true);
  if (full.status !== 'succeeded') throw new Error(`full run ${full.status}`);
  // Only notifications trigger runs here: the hourly run is the safety net, not measured.
  await updateIntegrationRow(ctx.db, product.integrationId, {
    next_run_at: '2100-01-01T00:00:00.000Z',
  });
  const service = await startService(ctx, {
    host: '127.0.0.1',
    port: 0,
    extraCaPem: [emulator.caCertPem],
  });
  ctx.config.notificationBaseUrl = new URL(service.server.url);
  try {
    const t0 = Date.now();
    while (emulator.subscriptions.list().length === 0) {
      if (Date.now() - t0 > 60_000) throw new Error('no subscription after 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const setupMs = Date.now() - t0;
    // Users the full run linked (a generated tenant has a few it skips on purpose, e.g. a
    // shared email): only those can show a rename in the directory.
    const linked = await ctx.db
      .selectFrom('users')
      .select('source_external_id')
      .where('source_integration_id', '=', product.integrationId)
      .where('status', '=', 'active')
      .limit(5000)
      .execute();
    const ids = linked.map((r) => r.source_external_id).filter((id): id is string => id !== null);
    const pending = new Map<string, { name: string; at: number }>();
    const latencies: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling || pending.size > 0) {
        if (pending.size > 0) {
          // Read-only check of the directory (the bench's yardstick, not product code).
          const rows = await ctx.db
            .selectFrom('users')
            .select(['source_external_id', 'first_name'])
            .where('source_integration_id', '=', product.integrationId)
            .where('source_external_id', 'in', [...pending.keys()])
            .execute();
          const now = Date.now();
          for (const r of rows) {
            const want = pending.get(r.source_external_id ?? '');
            if (want && r.first_name === want.name) {
              latencies.push(now - want.at);
              pending.delete(r.source_external_id ?? '');
            }
          }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const deadline = Date.now() + CHANGES * SPACING_MS + 180_000;
    for (let i = 0; i < CHANGES; i++) {
      const id = ids[(i * 7) % ids.length] as string;
      const name = `Bench${i}x${randomBytes(2).toString('hex')}`;
      pending.set(id, { name, at: Date.now() });
      emulator.tenant.updateUser(id, { givenName: name });
      await new Promise((r) => setTimeout(r, SPACING_MS));
    }
    polling = false;
    while (pending.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const lost = pending.size;
    pending.clear();
    await poller;
    const runs = await ctx.db
      .selectFrom('sync_runs')
      .select(['trigger'])
      .where('integration_id', '=', product.integrationId)
      .where('trigger', '=', 'notification')
      .execute();
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor((latencies.length - 1) / 2)] ?? Number.NaN;
    const worst = latencies[latencies.length - 1] ?? Number.NaN;
    return {
      scenario: 'notify-latency',
      dialect,
      users,
      status: `${latencies.length}/${CHANGES} changes arrived${lost ? `, ${lost} did not within 3 min` : ''}; ${runs.length} notification runs; debounce ${ctx.config.notificationDebounceMs / 1000} s`,
      timings: {
        medianMs: median,
        worstMs: worst,
        p90Ms: latencies[Math.floor(latencies.length * 0.9)] ?? Number.NaN,
        setupMs,
        changes: CHANGES,
        runs: runs.length,
        lost,
      },
    };
  } finally {
    await service.stop();
    await emulator.close();
    await product.close();
  }
}
