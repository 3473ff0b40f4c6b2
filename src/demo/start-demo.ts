import { openContext } from '../bootstrap.ts';
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import type { Emulator, EmulatedTenant } from '../emulator/index.ts';
import { findIntegrationRow, saveGroupScopeState } from '../integrations/repository.ts';
import type { Logger } from '../log.ts';
import { startService, type RunningService } from '../runtime.ts';
import { RunInProgressError } from '../sync/runs-repo.ts';
import {
  loadOrCreateDemoFile,
  loadTenant,
  restoreTenant,
  saveTenant,
  type DemoFile,
} from './demo-file.ts';
import { shapeDemoTenant } from './demo-tenant.ts';
import { assertDemoDatabase } from './guard.ts';
import { seedDemo } from './seed.ts';

export const DEMO_USERS = 300;

/** A running demo: what the banner prints and what a test inspects. */
export interface RunningDemo {
  ctx: AppContext;
  demo: DemoFile;
  emulator: Emulator;
  tenant: EmulatedTenant;
  service: RunningService;
  orgId: string;
  integrationId: string;
  /** The first synchronisation: queued at start, or the scheduler's if it came first. */
  firstRunId: string;
  /** Saves the tenant (users and groups) and stops everything. */
  stop(): Promise<void>;
}

/**
 * Everything `azure-user-sync demo` starts: an emulated tenant in-process (restored from
 * `demo-tenant.json`, or generated and shaped on first start), the demo organisation and its
 * integration, the service, and a first full synchronisation.
 */
export async function startDemo(
  base: Config,
  options: { emulatorPort: number; log?: Logger },
): Promise<RunningDemo> {
  await assertDemoDatabase(base.database);
  const emulator = await startDemoEmulator(options.emulatorPort);
  const config: Config = {
    ...base,
    azureAuthorityHost: emulator.origin,
    graphEndpoint: emulator.origin,
  };
  const ctx = await openContext(config, options.log ? { log: options.log } : {});
  const { demo } = loadOrCreateDemoFile(config.dataDir);
  const tenant = emulator.createTenant({
    id: demo.tenantId,
    domain: 'demo-contoso.onmicrosoft.com',
  });
  tenant.addApp({ clientId: demo.clientId, secret: demo.clientSecret });
  const saved = loadTenant(config.dataDir);
  if (saved) restoreTenant(tenant, saved);
  else {
    tenant.generate(DEMO_USERS, demo.seed);
    shapeDemoTenant(tenant);
  }

  const { orgId, integrationId } = await seedDemo(ctx, demo);
  // The emulator forgets its delta state (user and group rounds) when it stops: start each
  // demo with a full run and a membership round from scratch. Near-real-time updates are on
  // in the demo (issue 16), also for a demo database created before the setting existed.
  await ctx.db
    .updateTable('integrations')
    .set({ full_sync_required: 1, delta_link: null, near_real_time: 1 })
    .where('id', '=', integrationId)
    .execute();
  const row = await findIntegrationRow(ctx.db, integrationId);
  await saveGroupScopeState(ctx.db, integrationId, {
    loaded: row?.scope_loaded ?? null,
    link: null,
    tracked: null,
  });
  const service = await startService(ctx, { extraCaPem: [emulator.caCertPem] });
  // The emulator posts change notifications to this local http URL: Graph itself only calls
  // https, and the demo emulator is started to allow http on loopback for this.
  ctx.config.notificationBaseUrl = new URL(service.server.url);
  let firstRunId: string;
  try {
    const run = await service.sync.requestRun(orgId, integrationId, {
      full: true,
      dryRun: false,
      trigger: 'manual',
    });
    firstRunId = run.id;
  } catch (err) {
    // The scheduler may have queued the integration's run first: that one is the first run.
    if (!(err instanceof RunInProgressError)) throw err;
    firstRunId = err.runId;
  }
  return {
    ctx,
    demo,
    emulator,
    tenant,
    service,
    orgId,
    integrationId,
    firstRunId,
    async stop() {
      saveTenant(config.dataDir, tenant);
      try {
        await service.stop();
        await emulator.close();
      } finally {
        await ctx.database.close();
      }
    },
  };
}

async function startDemoEmulator(preferredPort: number): Promise<Emulator> {
  // Loaded on demand: the emulator's certificate code (@peculiar/x509) is a development
  // dependency, absent from a production install that never runs the demo.
  const { startEmulator } = await import('../emulator/index.ts');
  // A stable port keeps the emulator's URL the same across restarts; any port will do.
  try {
    return await startEmulator({ port: preferredPort, allowHttpNotificationUrls: true });
  } catch {
    return startEmulator({ port: 0, allowHttpNotificationUrls: true });
  }
}
