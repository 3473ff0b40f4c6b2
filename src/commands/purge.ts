import type { Command } from 'commander';
import { openContext } from '../bootstrap.ts';
import { loadConfig } from '../config.ts';
import { purgeDeactivatedUsers } from '../directory/purge.ts';

/**
 * `azure-user-sync purge`: permanently deletes users whose retention after deactivation
 * (DEACTIVATED_RETENTION_DAYS) has ended. The daily job does the same in `serve`.
 */
export function registerPurge(program: Command): void {
  program
    .command('purge')
    .description('delete users deactivated longer than the retention period')
    .action(async () => {
      const config = loadConfig();
      const ctx = await openContext(config);
      try {
        const count = await purgeDeactivatedUsers(ctx.db, ctx.clock.now());
        ctx.log.info({ purged: count }, 'purged deactivated users');
        console.log(`purged ${count} user${count === 1 ? '' : 's'}`);
      } finally {
        await ctx.database.close();
      }
    });
}
