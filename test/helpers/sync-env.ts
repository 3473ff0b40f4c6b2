import { randomBytes } from 'node:crypto';
import { createAdmin } from '../../src/auth/admins.ts';
import type { AppContext } from '../../src/context.ts';
import { DEFAULT_DATABASE_URL, loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { registerRunRoutes } from '../../src/http/routes/runs.ts';
import type { ApiApp } from '../../src/http/types.ts';
import { syncDirectoryHooks } from '../../src/sync/link-on-create.ts';
import { createUnit } from '../../src/directory/units.ts';
import { createUserType } from '../../src/directory/user-types.ts';
import type { DialectKind } from '../../src/db/connect.ts';
import type { MatchField } from '../../src/db/schema.ts';
import type { ExclusionRule } from '../../src/integrations/exclusion-rules.ts';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.ts';
import { createIntegration } from '../../src/integrations/service.ts';
import { createSecretBox, type SecretBox } from '../../src/integrations/secret-box.ts';
import type { DestinationStream } from 'pino';
import { createLogger, type Logger } from '../../src/log.ts';
import type { Run } from '../../src/sync/run-record.ts';
import { createSyncService, type SyncService } from '../../src/sync/service.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

/** A clock tests can move forward. */
export interface TestClock {
  now(): Date;
  set(d: Date): void;
  advanceDays(days: number): void;
}

export function testClock(start = new Date('2026-01-05T09:00:00.000Z')): TestClock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = d.getTime();
    },
    advanceDays: (days) => {
      t += days * 86_400_000;
    },
  };
}

/** A migrated database, an emulated tenant and an integration connected to it. */
export interface SyncEnv {
  db: TestDatabase;
  /** The secret box key (base64 of it is ENCRYPTION_KEY for child processes). */
  encryptionKey: Buffer;
  adminEmail: string;
  adminPassword: string;
  emulator: Emulator;
  log: Logger;
  clock: TestClock;
  secretBox: SecretBox;
  orgId: string;
  integrationId: string;
  sync: SyncService;
  /** Unit and user type ids by name. */
  units: Map<string, string>;
  userTypes: Map<string, string>;
  app: ApiApp;
  /** Calls the REST API as the organisation's administrator. */
  api(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }>;
  /**
   * Queues and executes a run in this process, returning its final record. Waits for
   * dispatched runs first ({@link SyncEnv.idle}); a 409 `run_in_progress` (a settings run
   * queued meanwhile) waits for that run to finish and asks again.
   */
  run(opts?: { full?: boolean; dryRun?: boolean }): Promise<Run>;
  /**
   * Resolves when every run the service dispatched (a settings reconcile, a run queued
   * through the REST API) has finished. Without background runs it executes this
   * integration's queued runs here instead, so nothing is left queued either way.
   */
  idle(): Promise<void>;
  /**
   * A second organisation (own admin, units and user types) in the same database and app,
   * with its own integration against the same emulated tenant and app credentials.
   */
  addOrganization(spec: OrganizationSpec): Promise<OrgHandle>;
  close(): Promise<void>;
}

/** What {@link SyncEnv.addOrganization} builds. */
export interface OrganizationSpec {
  /** Units in creation order; a parent is named by its index in this list. */
  units: { name: string; parent?: number }[];
  userTypes: string[];
  settings: {
    unitField: MatchField;
    userTypeField: MatchField;
    includeGuests: boolean;
    deactivateDisabledUsers: boolean;
    deletionThreshold: number;
    unassignmentThreshold?: number | null;
    exclusionRules?: ExclusionRule[];
    scopeMode?: 'all' | 'groups';
    scopeGroups?: { id: string; displayName: string }[];
  };
}

/** Another organisation of the env, reached through the same REST API as its own admin. */
export interface OrgHandle {
  orgId: string;
  integrationId: string;
  api: SyncEnv['api'];
  /** Queues and executes a run of this organisation's integration. */
  run(opts?: { full?: boolean; dryRun?: boolean }): Promise<Run>;
}

export interface SyncEnvOptions {
  units?: string[];
  userTypes?: string[];
  unitField?: MatchField;
  userTypeField?: MatchField;
  deletionThreshold?: number;
  /**
   * The unassignment guard (default 0 = off here: tests of other behaviour move many users'
   * memberships on purpose; the guard's own tests set it, null = the product default).
   */
  unassignmentThreshold?: number | null;
  includeGuests?: boolean;
  deactivateDisabledUsers?: boolean;
  emulatorUsers?: number;
  seed?: number;
  /** More emulator options (latency, delta page size, faults); users and seed come from above. */
  emulator?: Omit<EmulatorOptions, 'users' | 'seed'>;
  /** The 32-byte key of the secret box, so child processes (CLI) can open the secret. */
  encryptionKey?: Buffer;
  /** Graph client timeout per exchange (default 5000 ms); fault tests shorten stalls. */
  graphTimeoutMs?: number;
  /** UPN partitions a full run reads at once (default: the product's, 4; 1 = sequential). */
  graphParallelReads?: number;
  /** Where the env's logger writes (default: silent). Tests capture log lines with it. */
  logDestination?: DestinationStream;
  /** Log level when a destination is given (default 'debug'). */
  logLevel?: string;
  /** The admin's password (default 'correct horse battery'). */
  adminPassword?: string;
  /** The integration's client secret; the emulator's default app gets it too. */
  clientSecret?: string;
  /**
   * Give the sync service a dispatcher that executes every queued run (API, settings
   * reconcile) in this process in the background, as `serve` does (default false: queued
   * runs wait until `run()` or `idle()` executes them).
   */
  backgroundRuns?: boolean;
}

export async function createSyncEnv(
  dialect: DialectKind,
  options: SyncEnvOptions = {},
): Promise<SyncEnv> {
  const db = await createTestDatabase(dialect);
  const emulator = await startEmulator({
    ...options.emulator,
    ...(options.emulatorUsers ? { users: options.emulatorUsers } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const log = options.logDestination
    ? createLogger(options.logLevel ?? 'debug', options.logDestination)
    : createLogger('silent');
  const clock = testClock();
  const encryptionKey = options.encryptionKey ?? randomBytes(32);
  const secretBox = createSecretBox(encryptionKey);
  const adminEmail = `admin-${randomBytes(3).toString('hex')}@example.test`;
  const adminPassword = options.adminPassword ?? 'correct horse battery';
  const app0 = options.clientSecret
    ? emulator.tenant.addApp({ secret: options.clientSecret })
    : emulator.tenant.defaultApp;
  const { organization: org } = await createAdmin(
    db.db,
    { org: `Org ${randomBytes(3).toString('hex')}`, email: adminEmail, password: adminPassword },
    { now: clock.now(), scrypt: { N: 1024, r: 8, p: 1 } },
  );
  const units = new Map<string, string>();
  for (const name of options.units ?? ['Sales', 'Engineering', 'Support']) {
    units.set(name, (await createUnit(db.db, org.id, { name }, clock.now())).id);
  }
  const userTypes = new Map<string, string>();
  for (const name of options.userTypes ?? ['Employee', 'Manager']) {
    userTypes.set(name, (await createUserType(db.db, org.id, { name }, clock.now())).id);
  }
  const integration = await createIntegration({ db: db.db, secretBox, clock, log }, org.id, {
    name: 'Entra',
    applicationId: app0.clientId,
    tenantId: emulator.tenant.id,
    secret: app0.secret,
    unitField: options.unitField ?? 'department',
    userTypeField: options.userTypeField ?? 'jobTitle',
    enabled: true,
    deletionThreshold: options.deletionThreshold ?? 500,
    unassignmentThreshold:
      options.unassignmentThreshold === undefined ? 0 : options.unassignmentThreshold,
    includeGuests: options.includeGuests ?? false,
    deactivateDisabledUsers: options.deactivateDisabledUsers ?? true,
  });
  const sync = createSyncService({
    db: db.db,
    log,
    clock,
    secretBox,
    retentionDays: 90,
    authorityHost: emulator.origin,
    graphEndpoint: emulator.origin,
    extraCaPem: [emulator.caCertPem],
    graphTimeoutMs: options.graphTimeoutMs ?? 5000,
    graphParallelReads: options.graphParallelReads,
    // A test that sets the parallelism wants partitions whatever the tenant's size; the
    // others read small tenants in one listing, as the product does.
    graphParallelFromUsers: options.graphParallelReads === undefined ? undefined : 0,
  });
  const ctx: AppContext = {
    config: { ...loadConfig({ DATABASE_URL: DEFAULT_DATABASE_URL }), deactivatedRetentionDays: 90 },
    database: db,
    db: db.db,
    log,
    clock,
    secretBox,
  };
  const app = await buildApp(ctx, {
    hooks: syncDirectoryHooks(clock, sync),
    extraRoutes: [(api, c) => registerRunRoutes(api, c, sync)],
  });
  function clientFor(email: string, password: string): SyncEnv['api'] {
    let token = '';
    async function signIn(): Promise<void> {
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password },
      });
      token = (login.json() as { token: string }).token;
    }
    return async (method, url, body) => {
      if (!token) await signIn();
      const send = () =>
        app.inject({
          method,
          url: `/api/v1${url}`,
          headers: { authorization: `Bearer ${token}` },
          ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}),
        });
      let res = await send();
      // Tests move the clock by days; sessions expire after hours, so sign in again.
      if (res.statusCode === 401) {
        await signIn();
        res = await send();
      }
      return { status: res.statusCode, body: res.body ? (res.json() as unknown) : undefined };
    };
  }
  const api = clientFor(adminEmail, adminPassword);

  // Runs dispatched by the service (settings reconciles, REST-queued runs), in flight.
  const inFlight = new Set<Promise<unknown>>();
  if (options.backgroundRuns) {
    sync.setDispatcher({
      dispatch: ({ runId }) => {
        const p: Promise<unknown> = sync
          .execute(runId)
          .catch((err: unknown) => log.error({ err, runId }, 'background run failed'))
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        return Promise.resolve();
      },
    });
  }

  /** Queued runs of one integration, read through the REST API (newest first). */
  async function queuedRuns(call: SyncEnv['api'], integrationId: string): Promise<string[]> {
    const res = await call('GET', `/integrations/${integrationId}/runs?limit=20`);
    if (res.status !== 200) return [];
    return (res.body as { items: { id: string; status: string }[] }).items
      .filter((r) => r.status === 'queued')
      .map((r) => r.id)
      .reverse();
  }

  async function idleFor(call: SyncEnv['api'], integrationId: string): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      if (inFlight.size > 0) {
        await Promise.allSettled([...inFlight]);
        continue;
      }
      if (options.backgroundRuns) return;
      const queued = await queuedRuns(call, integrationId);
      if (queued.length === 0) return;
      for (const id of queued) await sync.execute(id);
    }
    throw new Error('runs kept coming: idle() gave up after 1000 rounds');
  }

  function isRunInProgress(err: unknown): boolean {
    return (
      typeof err === 'object' &&
      err !== null &&
      (err as { code?: unknown }).code === 'run_in_progress'
    );
  }

  async function runOf(
    call: SyncEnv['api'],
    orgId: string,
    integrationId: string,
    opts: { full?: boolean; dryRun?: boolean },
  ): Promise<Run> {
    await idleFor(call, integrationId);
    let queued: Run | undefined;
    for (let attempt = 0; !queued; attempt++) {
      try {
        queued = await sync.requestRun(orgId, integrationId, {
          full: opts.full ?? false,
          dryRun: opts.dryRun ?? false,
          trigger: 'api',
        });
      } catch (err) {
        if (!isRunInProgress(err) || attempt >= 50) throw err;
        await idleFor(call, integrationId);
      }
    }
    if (options.backgroundRuns) {
      // The dispatcher is executing it; executing it here as well would only race it.
      await idleFor(call, integrationId);
    } else {
      await sync.execute(queued.id);
    }
    const res = await call('GET', `/runs/${queued.id}`);
    if (res.status !== 200) throw new Error(`run ${queued.id} vanished (${res.status})`);
    return res.body as Run;
  }

  async function addOrganization(spec: OrganizationSpec): Promise<OrgHandle> {
    const email = `admin-${randomBytes(3).toString('hex')}@example.test`;
    const { organization } = await createAdmin(
      db.db,
      { org: `Org ${randomBytes(3).toString('hex')}`, email, password: adminPassword },
      { now: clock.now(), scrypt: { N: 1024, r: 8, p: 1 } },
    );
    const unitIds: string[] = [];
    for (const u of spec.units) {
      const parentId = u.parent !== undefined ? unitIds[u.parent] : undefined;
      const unit = await createUnit(
        db.db,
        organization.id,
        { name: u.name, ...(parentId ? { parentId } : {}) },
        clock.now(),
      );
      unitIds.push(unit.id);
    }
    for (const name of spec.userTypes) {
      await createUserType(db.db, organization.id, { name }, clock.now());
    }
    const second = await createIntegration({ db: db.db, secretBox, clock, log }, organization.id, {
      name: 'Entra',
      applicationId: app0.clientId,
      tenantId: emulator.tenant.id,
      secret: app0.secret,
      enabled: true,
      ...spec.settings,
    });
    const call = clientFor(email, adminPassword);
    return {
      orgId: organization.id,
      integrationId: second.id,
      api: call,
      run: (opts = {}) => runOf(call, organization.id, second.id, opts),
    };
  }
  return {
    db,
    encryptionKey,
    adminEmail,
    adminPassword,
    app,
    api,
    emulator,
    log,
    clock,
    secretBox,
    orgId: org.id,
    integrationId: integration.id,
    sync,
    units,
    userTypes,
    run: (opts = {}) => runOf(api, org.id, integration.id, opts),
    idle: () => idleFor(api, integration.id),
    addOrganization,
    async close() {
      // Never drop the database under a run still in flight (a finished run may queue a
      // follow-up reconcile, so wait until none is left).
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      await app.close();
      await emulator.close();
      await db.drop();
    },
  };
}
