import type { AppContext } from './context.ts';
import { startServer, type RunningServer } from './http/server.ts';
import { registerRunRoutes } from './http/routes/runs.ts';
import { createLocalRunner, type LocalRunner } from './jobs/local-runner.ts';
import { syncServiceFor, type SyncServiceExtras } from './sync/from-context.ts';
import { syncDirectoryHooks } from './sync/link-on-create.ts';
import type { SyncService } from './sync/service.ts';

/** A running `serve` (or demo) process: HTTP, the sync engine and its jobs. */
export interface RunningService {
  server: RunningServer;
  sync: SyncService;
  stop(): Promise<void>;
}

export interface ServiceOptions extends SyncServiceExtras {
  host?: string;
  port?: number;
}

/**
 * Assembles the service: the sync engine with the directory hook that links new platform
 * users to known Entra users, the run routes, the HTTP server and the run dispatcher.
 * `serve` and `demo` both start through here, so they behave the same.
 */
export async function startService(
  ctx: AppContext,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const sync = syncServiceFor(ctx, options);
  const runner: LocalRunner = createLocalRunner(ctx.db, sync, ctx.log);
  sync.setDispatcher(runner);
  const server = await startServer(ctx, {
    hooks: syncDirectoryHooks(ctx.clock),
    extraRoutes: [(api, c) => registerRunRoutes(api, c, sync)],
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  const recovered = await runner.recover();
  if (recovered) ctx.log.info({ recovered }, 'resumed runs left by a previous process');
  return {
    server,
    sync,
    async stop() {
      await server.close();
      await runner.stop();
    },
  };
}
