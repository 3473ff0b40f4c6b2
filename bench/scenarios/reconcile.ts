import type { DialectKind } from '../../src/db/connect.ts';
import { createUnit } from '../../src/directory/units.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { setUpProduct } from '../product.ts';
import type { ScenarioResult } from '../protocol.ts';

/** The department given to 1% of the users before the first sync: no unit has that name yet. */
const NEW_UNIT = 'Bench New Store';

/**
 * Issue 10: re-evaluating every mirrored user after a platform change, without Graph. After a
 * full run over `users`, 1% of them hold a department no unit matches; creating that unit
 * changes the configuration's fingerprint, and the reconcile run that follows (trigger
 * `settings`, as the panel would queue it) re-derives all `users` rows from the mirror and
 * places that 1%. Wall time is request → finished run.
 */
export async function reconcileAfterPlatformChange(
  dialect: DialectKind,
  users: number,
): Promise<ScenarioResult> {
  const emulator = await startEmulator({ users, seed: 11 });
  const ids = [...emulator.tenant.users()].map((u) => u.id);
  const moved = Math.round(users / 100);
  for (let i = 0; i < moved; i++) {
    emulator.tenant.updateUser(ids[(i * 97) % ids.length] as string, { department: NEW_UNIT });
  }
  const product = await setUpProduct(dialect, {
    origin: emulator.origin,
    caCertPem: emulator.caCertPem,
    tenantId: emulator.tenant.id,
    clientId: emulator.tenant.defaultApp.clientId,
    secret: emulator.tenant.defaultApp.secret,
  });
  try {
    const full = await product.run(true);
    if (full.status !== 'succeeded') throw new Error(`full run ${full.status}`);
    await createUnit(product.db.db, product.orgId, { name: NEW_UNIT }, new Date());
    const before = emulator.requestLog.length;
    const t0 = performance.now();
    const queued = await product.sync.requestRun(product.orgId, product.integrationId, {
      full: false,
      dryRun: false,
      trigger: 'settings',
      reconcileOnly: true,
    });
    const run = await product.sync.execute(queued.id);
    const wallMs = performance.now() - t0;
    if (run?.status !== 'succeeded') throw new Error(`reconcile run ${String(run?.status)}`);
    return {
      scenario: 'reconcile',
      dialect,
      users,
      wallMs,
      usersPerSecond: users / (wallMs / 1000),
      graphRequests: emulator.requestLog.slice(before).filter((r) => r.path.startsWith('/v1.0/'))
        .length,
      status: `${run.status}, ${run.mode}: ${run.counts.updated} updated of ${users} re-evaluated`,
    };
  } finally {
    await product.close();
    await emulator.close();
  }
}
