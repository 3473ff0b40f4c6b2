import type { Command } from 'commander';
import { openContext } from '../bootstrap.ts';
import { loadConfig } from '../config.ts';
import { startServer, type RunningServer, type StartServerOptions } from '../http/server.ts';

export { startServer, type RunningServer, type StartServerOptions };

/**
 * `azure-user-sync serve`: API and admin panel (and, once wired, the scheduler) in one
 * process. Stops gracefully on SIGTERM/SIGINT: no new connections, requests in flight
 * finish, then the database closes.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the API and admin panel')
    .action(async () => {
      const config = loadConfig();
      const ctx = await openContext(config);
      // TODO(scheduler): start the in-process scheduler / queue worker here once src/jobs
      // exports it, and stop it in `shutdown` before closing the server.
      const server = await startServer(ctx);
      ctx.log.info({ url: server.url }, `listening on ${server.url}`);
      console.log(`Azure User Sync is running at ${server.url}`);

      let stopping = false;
      const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        ctx.log.info({ signal }, 'shutting down');
        try {
          await server.close();
        } finally {
          await ctx.database.close();
        }
      };
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGTERM', 'SIGINT'] as const) {
          process.once(signal, () => {
            shutdown(signal).then(resolve, (err: unknown) => {
              ctx.log.error({ err }, 'shutdown failed');
              process.exitCode = 1;
              resolve();
            });
          });
        }
      });
    });
}
