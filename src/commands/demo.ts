import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { describeDemoScope } from '../demo/demo-tenant.ts';
import { DEMO_USERS, startDemo } from '../demo/start-demo.ts';
import type { Emulator } from '../emulator/index.ts';
import { createLogger } from '../log.ts';
import { untilSignal } from './signals.ts';

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
      // Keep the terminal readable: the demo logs warnings and worse unless LOG_LEVEL asks for more.
      const log = createLogger(base.logLevel === 'info' ? 'warn' : base.logLevel);
      const running = await startDemo(base, { emulatorPort: base.port + 1, log });
      printBanner(
        running.service.server.url,
        running.demo.adminEmail,
        running.demo.adminPassword,
        running.emulator,
        running.tenant.id,
      );
      await untilSignal(running.ctx.log, () => running.stop());
    });
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
Who it synchronises:
  ${describeDemoScope().join('\n  ')}

Change the emulated tenant and watch it arrive, e.g.:
  curl --cacert ${emulator.caCertFile} ${control}/users?limit=3
  curl --cacert ${emulator.caCertFile} -X PATCH ${control}/users/<id> -H 'content-type: application/json' -d '{"onPremisesExtensionAttributes":{"extensionAttribute1":"Sales"}}'

Stop with Ctrl+C; data stays in ./data for the next start.
`);
}
