import type { AppContext } from '../context.ts';
import { buildApp, type BuildAppOptions } from './app.ts';
import type { ApiApp } from './types.ts';

export interface StartServerOptions extends BuildAppOptions {
  /** Defaults to ctx.config.host / ctx.config.port; port 0 picks a free port. */
  host?: string;
  port?: number;
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  app: ApiApp;
  /** Stops accepting connections and waits for requests in flight. */
  close(): Promise<void>;
}

/**
 * Builds the app and listens. The seam `serve`, `demo` and tests share: none of them needs
 * to know how the app is assembled.
 */
export async function startServer(
  ctx: AppContext,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const { host = ctx.config.host, port = ctx.config.port, ...appOptions } = options;
  const app = await buildApp(ctx, appOptions);
  await app.listen({ host, port });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${actualPort}`, app, close: () => app.close() };
}
