import type { DialectKind } from '../../src/db/connect.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { setUpProduct } from '../product.ts';
import type { ScenarioResult } from '../protocol.ts';

/**
 * Issue 14: incremental runs with group scope against the same runs without it, on `users`.
 * The scope is one group with 10 nested groups holding 90% of the users; memberships are read
 * with group delta (first round ≈ members / page size requests, then changes only). The first
 * row is the same incremental run without scope, for comparison.
 */
export async function groupScope(dialect: DialectKind, users: number): Promise<ScenarioResult[]> {
  const emulator = await startEmulator({ users, seed: 11 });
  const t = emulator.tenant;
  const ids = [...t.users()].map((u) => u.id);
  const outer = t.addGroup('All stores');
  const nested = Array.from({ length: 10 }, (_, i) => t.addGroup(`Store ${i + 1}`));
  for (const g of nested) t.addGroupMember(outer.id, g.id);
  const inScope = Math.floor(ids.length * 0.9);
  ids.slice(0, inScope).forEach((id, i) => t.addGroupMember(nested[i % 10]?.id ?? '', id));
  const coordinates = {
    origin: emulator.origin,
    caCertPem: emulator.caCertPem,
    tenantId: t.id,
    clientId: t.defaultApp.clientId,
    secret: t.defaultApp.secret,
  };
  const results: ScenarioResult[] = [];
  const graphSince = (before: number) =>
    emulator.requestLog.slice(before).filter((r) => r.path.startsWith('/v1.0/')).length;
  const measure = async (
    product: Awaited<ReturnType<typeof setUpProduct>>,
    full: boolean,
    label: string,
    changes: number,
  ) => {
    const before = emulator.requestLog.length;
    const t0 = performance.now();
    const run = await product.run(full);
    results.push({
      scenario: 'group-scope',
      dialect,
      users,
      wallMs: performance.now() - t0,
      graphRequests: graphSince(before),
      status: `${label}: ${run.status}, ${run.mode}, ${changes} changes (${run.counts.created} created, ${run.counts.deactivated} deactivated)`,
      timings: { changes },
    });
  };

  const plain = await setUpProduct(dialect, coordinates);
  try {
    await plain.run(true);
    await measure(plain, false, 'no scope', 0);
  } finally {
    await plain.close();
  }
  const scoped = await setUpProduct(dialect, coordinates, {
    scopeMode: 'groups',
    scopeGroups: [outer],
  });
  try {
    await measure(
      scoped,
      true,
      `group scope, full (11 groups, ${inScope.toLocaleString('en')} members)`,
      0,
    );
    await measure(scoped, false, 'group scope', 0);
    // 50 users leave their store group, 50 others join one.
    for (let i = 0; i < 50; i++) {
      t.removeGroupMember(nested[i % 10]?.id ?? '', ids[i] as string);
      t.addGroupMember(nested[i % 10]?.id ?? '', ids[inScope + i] as string);
    }
    await measure(scoped, false, 'group scope, 100 membership changes', 100);
    return results;
  } finally {
    await scoped.close();
    await emulator.close();
  }
}
