import type { Command } from 'commander';
import { openContext } from '../bootstrap.ts';
import { loadConfig, type Config } from '../config.ts';
import { loadOrCreateDemoFile, loadTenantUsers, saveTenantUsers } from '../demo/demo-file.ts';
import { assertDemoDatabase } from '../demo/guard.ts';
import { seedDemo } from '../demo/seed.ts';
import type { Emulator } from '../emulator/index.ts';
import { createLogger } from '../log.ts';
import { startService } from '../runtime.ts';
import { RunInProgressError } from '../sync/runs-repo.ts';
import { untilSignal } from './signals.ts';

const DEMO_USERS = 300;

/**
 * `azure-user-sync demo` (what `npm start` runs): SQLite in ./data, an emulated Entra
 * tenant in-process, a demo organisation, an administrator and a ready integration; starts
 * the service, runs a first synchronisation and prints where to look.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('start a self-contained demo: emulated Entra tenant, SQLite, admin panel')
    .action(async () => {
      const base = loadConfig();
      await assertDemoDatabase(base.database);
      const emulator = await startDemoEmulator(base.port + 1);
      const config: Config = {
        ...base,
        azureAuthorityHost: emulator.origin,
        graphEndpoint: emulator.origin,
      };
      // Keep the terminal readable: the demo logs warnings and worse unless LOG_LEVEL asks for more.
      const ctx = await openContext(config, {
        log: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel),
      });
      const { demo } = loadOrCreateDemoFile(config.dataDir);
      const tenant = emulator.createTenant({
        id: demo.tenantId,
        domain: 'demo-contoso.onmicrosoft.com',
      });
      tenant.addApp({ clientId: demo.clientId, secret: demo.clientSecret });
      const saved = loadTenantUsers(config.dataDir);
      if (saved) for (const u of saved) tenant.addUser(u);
      else {
        tenant.generate(DEMO_USERS, demo.seed);
        // A few members without a department: the Unassigned tab shows "field is empty".
        let n = 0;
        for (const u of tenant.users()) {
          if (u.userType !== 'Guest' && u.accountEnabled && ++n % 45 === 0) {
            tenant.updateUser(u.id, { department: null });
          }
        }
      }

      const { orgId, integrationId } = await seedDemo(ctx, demo);
      // The emulator forgets its delta state when it stops: start each demo with a full run.
      // Near-real-time updates are on in the demo (issue 16), also for a demo database
      // created before the setting existed.
      await ctx.db
        .updateTable('integrations')
        .set({ full_sync_required: 1, delta_link: null, near_real_time: 1 })
        .where('id', '=', integrationId)
        .execute();
      const service = await startService(ctx, { extraCaPem: [emulator.caCertPem] });
      // The emulator posts change notifications to this local http URL: Graph itself only
      // calls https, and the demo emulator is started to allow http on loopback for this.
      ctx.config.notificationBaseUrl = new URL(service.server.url);
      try {
        await service.sync.requestRun(orgId, integrationId, {
          full: true,
          dryRun: false,
          trigger: 'manual',
        });
      } catch (err) {
        if (!(err instanceof RunInProgressError)) throw err;
      }
      printBanner(service.server.url, demo.adminEmail, demo.adminPassword, emulator, tenant.id);

      await untilSignal(ctx.log, async () => {
        saveTenantUsers(config.dataDir, tenant.users());
        try {
          await service.stop();
          await emulator.close();
        } finally {
          await ctx.database.close();
        }
      });
    });
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

function printBanner(
  url: string,
  email: string,
  password: string,
  emulator: Emulator,
  tenantId: string,
): void {
  const control = `${emulator.origin}/_emulator/tenants/${tenantId}`;
  console.log(`
Azure User Sync demo is running.

  admin panel:  ${url}
  email:        ${email}
  password:     ${password}

A first synchronisation of ${DEMO_USERS} emulated Entra users has started. Near-real-time
updates are on: the emulated tenant notifies the service of every change, which arrives in
the panel within seconds; the integration also runs every 5 minutes as a safety net.

Change the emulated tenant and watch it arrive, e.g.:
  curl --cacert ${emulator.caCertFile} ${control}/users?limit=3
  curl --cacert ${emulator.caCertFile} -X PATCH ${control}/users/<id> -H 'content-type: application/json' -d '{"department":"Sales"}'

Stop with Ctrl+C; data stays in ./data for the next start.
`);
}
