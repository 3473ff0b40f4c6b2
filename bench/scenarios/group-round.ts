import { createGraphClient } from '../../src/graph/client.ts';
import type { DialectKind } from '../../src/db/connect.ts';
import { findIntegrationRow } from '../../src/integrations/repository.ts';
import { refreshGroupScope } from '../../src/sync/scope/group-scope.ts';
import { setUpProduct } from '../product.ts';
import { emulatorFromEnv, maxRssMiB, type ScenarioResult } from '../protocol.ts';

/**
 * Issue 14: the first membership round of a group scope on its own, in a fresh process with
 * the emulator in the bench parent, so the peak RSS is the round's (plus Node, tsx and an
 * empty product): the parent's tenant has one group "All stores" with 10 nested groups holding
 * `members` memberships. Run at two sizes, the peak RSS should not grow with `members`.
 */
export async function groupRound(dialect: DialectKind, members: number): Promise<ScenarioResult> {
  const emulator = emulatorFromEnv();
  const groupId = process.env.BENCH_SCOPE_GROUP;
  if (!groupId) throw new Error('BENCH_SCOPE_GROUP is not set: run through bench/run.ts');
  const product = await setUpProduct(dialect, emulator, {
    scopeMode: 'groups',
    scopeGroups: [{ id: groupId, displayName: 'All stores' }],
  });
  try {
    const integration = await findIntegrationRow(product.db.db, product.integrationId);
    if (!integration) throw new Error('integration vanished');
    let requests = 0;
    const client = createGraphClient({
      cloud: 'global',
      tenantId: emulator.tenantId,
      applicationId: emulator.clientId,
      secret: emulator.secret,
      authorityHost: emulator.origin,
      graphEndpoint: emulator.origin,
      extraCaPem: [emulator.caCertPem],
      onEvent: (e) => {
        if (e.type === 'request' && e.target === 'graph') requests++;
      },
    });
    const t0 = performance.now();
    await refreshGroupScope(product.db.db, integration, (start) => client.groupMembersDelta(start));
    const wallMs = performance.now() - t0;
    const stored = await product.db.db
      .selectFrom('entra_scope_users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('integration_id', '=', product.integrationId)
      .executeTakeFirstOrThrow();
    return {
      scenario: 'group-round',
      dialect,
      users: members,
      wallMs,
      graphRequests: requests,
      maxRssMiB: maxRssMiB(),
      status: `first membership round: ${Number(stored.n).toLocaleString('en')} users in scope`,
    };
  } finally {
    await product.close();
  }
}
