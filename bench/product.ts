import { randomBytes } from 'node:crypto';
import { createAdmin } from '../src/auth/admins.ts';
import type { Clock } from '../src/clock.ts';
import type { DialectKind } from '../src/db/connect.ts';
import { createUnit } from '../src/directory/units.ts';
import { createUserType } from '../src/directory/user-types.ts';
import { DEPARTMENTS, JOB_TITLES } from '../src/emulator/index.ts';
import { createIntegration } from '../src/integrations/service.ts';
import type { CreateIntegrationRequest } from '../src/integrations/settings.ts';
import { createSecretBox, type SecretBox } from '../src/integrations/secret-box.ts';
import { createLogger } from '../src/log.ts';
import type { Run } from '../src/sync/run-record.ts';
import { createSyncService, type SyncService } from '../src/sync/service.ts';
import { createTestDatabase, type TestDatabase } from '../test/helpers/databases.ts';
import type { EmulatorCoordinates } from './protocol.ts';

/** The product wired to an emulator: a fresh database, an organisation, an integration. */
export interface BenchProduct {
  db: TestDatabase;
  orgId: string;
  integrationId: string;
  adminEmail: string;
  adminPassword: string;
  sync: SyncService;
  /** The box the integration's secret is sealed with (a service started on `db` needs it). */
  secretBox: SecretBox;
  /** Queues and executes one run in this process. */
  run(full: boolean): Promise<Run>;
  close(): Promise<void>;
}

/**
 * Sets up the real product as an administrator would: units and user types named like the
 * generated users' departments and job titles, an integration on the emulated tenant.
 */
export async function setUpProduct(
  dialect: DialectKind,
  emulator: EmulatorCoordinates,
  /** More integration settings (e.g. a group scope). */
  settings: Partial<CreateIntegrationRequest> = {},
  /** UPN partitions a full run reads at once (GRAPH_PARALLEL_READS; default the product's). */
  graphParallelReads?: number,
): Promise<BenchProduct> {
  const db = await createTestDatabase(dialect);
  const clock: Clock = { now: () => new Date() };
  const log = createLogger('warn');
  const secretBox = createSecretBox(randomBytes(32));
  const adminEmail = 'bench@example.test';
  const adminPassword = 'bench password 123';
  const { organization } = await createAdmin(
    db.db,
    { org: 'Bench Org', email: adminEmail, password: adminPassword },
    { scrypt: { N: 1024, r: 8, p: 1 } },
  );
  for (const name of DEPARTMENTS) await createUnit(db.db, organization.id, { name }, clock.now());
  for (const name of JOB_TITLES)
    await createUserType(db.db, organization.id, { name }, clock.now());
  const integration = await createIntegration(
    { db: db.db, secretBox, clock, log },
    organization.id,
    {
      name: 'Bench',
      applicationId: emulator.clientId,
      tenantId: emulator.tenantId,
      secret: emulator.secret,
      unitField: 'department',
      userTypeField: 'jobTitle',
      enabled: true,
      // The benchmark measures throughput, not the guard.
      deletionThreshold: 0,
      ...settings,
    },
  );
  const sync = createSyncService({
    db: db.db,
    log,
    clock,
    secretBox,
    retentionDays: 90,
    authorityHost: emulator.origin,
    graphEndpoint: emulator.origin,
    extraCaPem: [emulator.caCertPem],
    graphParallelReads,
    // A bench that sets the parallelism measures partitions, whatever the tenant's size.
    graphParallelFromUsers: graphParallelReads === undefined ? undefined : 0,
  });
  return {
    db,
    orgId: organization.id,
    integrationId: integration.id,
    adminEmail,
    adminPassword,
    sync,
    secretBox,
    async run(full) {
      const queued = await sync.requestRun(organization.id, integration.id, {
        full,
        dryRun: false,
        trigger: 'cli',
      });
      const done = await sync.execute(queued.id);
      if (!done) throw new Error('run vanished');
      return done;
    },
    close: () => db.drop(),
  };
}
