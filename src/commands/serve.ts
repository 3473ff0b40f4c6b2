import type { Command } from 'commander';
import { openContext } from '../bootstrap.ts';
import { loadConfig } from '../config.ts';
import { startService } from '../runtime.ts';
import { untilSignal } from './signals.ts';

export { startServer, type RunningServer } from '../http/server.ts';

/**
 * `azure-user-sync serve`: API, admin panel and scheduler in one process. Stops gracefully
 * on SIGTERM/SIGINT: no new connections, the run in progress finishes its page, then the
 * database closes.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the API, the admin panel and the scheduler')
    .action(async () => {
      const config = loadConfig();
      const ctx = await openContext(config);
      const service = await startService(ctx);
      ctx.log.info({ url: service.server.url }, `listening on ${service.server.url}`);
      console.log(`Azure User Sync is running at ${service.server.url}`);
      await untilSignal(ctx.log, async () => {
        try {
          await service.stop();
        } finally {
          await ctx.database.close();
        }
      });
    });
}
