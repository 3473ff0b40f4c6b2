import type { DialectKind } from '../../src/db/connect.ts';
import { DEPARTMENTS, startEmulator } from '../../src/emulator/index.ts';
import { setUpProduct } from '../product.ts';
import type { ScenarioResult } from '../protocol.ts';

/**
 * Incremental runs on a directory of `users` after a full run: 0, 100 and 10,000 changes.
 * The emulator runs in this process (RSS is not measured here) so changes are made directly.
 * Wall time is request → finished run, what a scheduled run costs.
 */
export async function incremental(dialect: DialectKind, users: number): Promise<ScenarioResult[]> {
  const emulator = await startEmulator({ users, seed: 7 });
  const product = await setUpProduct(dialect, {
    origin: emulator.origin,
    caCertPem: emulator.caCertPem,
    tenantId: emulator.tenant.id,
    clientId: emulator.tenant.defaultApp.clientId,
    secret: emulator.tenant.defaultApp.secret,
  });
  const ids = [...emulator.tenant.users()].map((u) => u.id);
  const results: ScenarioResult[] = [];
  try {
    const full = await product.run(true);
    if (full.status !== 'succeeded') throw new Error(`full run ${full.status}`);
    let offset = 0;
    let index = 0;
    for (const changes of [0, 0, 100, 10_000]) {
      for (let i = 0; i < changes; i++) {
        const id = ids[(offset + i) % ids.length] as string;
        emulator.tenant.updateUser(id, {
          department: DEPARTMENTS[(offset + i) % DEPARTMENTS.length] ?? 'Sales',
        });
      }
      offset += changes;
      const before = emulator.requestLog.length;
      const t0 = performance.now();
      const run = await product.run(false);
      const wallMs = performance.now() - t0;
      const graphRequests = emulator.requestLog
        .slice(before)
        .filter((r) => r.path.startsWith('/v1.0/')).length;
      results.push({
        scenario: `incremental`,
        dialect,
        users,
        wallMs,
        graphRequests,
        status: `${index++ === 0 ? 'first after the full run: ' : ''}${run.status}, ${run.mode}, ${changes} changes (${run.counts.updated} updated)`,
        timings: { changes },
      });
    }
    return results;
  } finally {
    await product.close();
    await emulator.close();
  }
}
