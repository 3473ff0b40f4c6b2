import type { Command } from 'commander';
import { createAdmin } from '../auth/admins.ts';
import { openContext } from '../bootstrap.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { readSecretLine } from './read-secret.ts';

export { createAdmin };

/**
 * `azure-user-sync admin create --org <name> --email <e> [--password <p>]`: creates the
 * organisation when missing and a platform administrator in it. Prints what it did, never
 * the password. Without `--password` (which `ps` and shell history would keep), the
 * password comes from ADMIN_PASSWORD or, failing that, one line of standard input.
 */
export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('manage platform administrators');
  admin
    .command('create')
    .description('create a platform administrator (and its organisation if missing)')
    .requiredOption('--org <name>', 'organisation name')
    .requiredOption('--email <email>', 'login email of the administrator')
    .option(
      '--password <password>',
      'password (at least 8 characters); default: ADMIN_PASSWORD, else one line of standard input',
    )
    .action(async (opts: { org: string; email: string; password?: string }) => {
      const config = loadConfig();
      const password =
        opts.password ?? config.adminPassword ?? (await readSecretLine('Password: '));
      // Warnings only: the command's own output is the lines printed below.
      const ctx = await openContext(config, {
        log: createLogger(config.logLevel === 'silent' ? 'silent' : 'warn'),
      });
      try {
        const result = await createAdmin(
          ctx.db,
          { org: opts.org, email: opts.email, password },
          { now: ctx.clock.now() },
        );
        console.log(
          result.organizationCreated
            ? `created organisation "${result.organization.name}" (${result.organization.id})`
            : `organisation "${result.organization.name}" exists (${result.organization.id})`,
        );
        console.log(`created administrator ${result.admin.email}`);
      } finally {
        await ctx.database.close();
      }
    });
}
