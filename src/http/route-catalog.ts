import type { FastifyInstance } from 'fastify';

/** One registered route, as the authorisation matrix test and diagnostics see it. */
export interface RouteEntry {
  method: string;
  /** Full path with Fastify parameters, e.g. `/api/v1/users/:id`. */
  url: string;
  /** True for routes that need no signed-in administrator (`config.public`). */
  public: boolean;
  /** True for routes API tokens may not call (`config.sessionOnly`, issue 15). */
  sessionOnly: boolean;
}

const catalogs = new WeakMap<object, RouteEntry[]>();

/**
 * Records every route registered on `app` from now on (call first, before any route).
 * Lets tests walk all routes, including ones added later by other modules.
 */
export function trackRoutes(app: FastifyInstance): void {
  const entries: RouteEntry[] = [];
  catalogs.set(app, entries);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const config = route.config as { public?: unknown; sessionOnly?: unknown } | undefined;
    for (const method of methods) {
      entries.push({
        method: String(method),
        url: route.url,
        public: config?.public === true,
        sessionOnly: config?.sessionOnly === true,
      });
    }
  });
}

/** The routes recorded by `trackRoutes` (empty when it was not called). */
export function registeredRoutes(app: FastifyInstance): readonly RouteEntry[] {
  return catalogs.get(app) ?? [];
}
