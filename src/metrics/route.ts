import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.ts';

/**
 * Serves `GET /metrics` in the Prometheus text format (version 0.0.4). With METRICS_TOKEN
 * set, only `Authorization: Bearer <METRICS_TOKEN>` is answered (Prometheus'
 * `authorization: {credentials: …}`); without it the route is open, like most Prometheus
 * targets, and the port should be reachable only from the monitoring network.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: Pick<Metrics, 'registry'>,
  token?: string,
): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .send({
          error: { code: 'unauthorized', message: 'Send Authorization: Bearer <METRICS_TOKEN>' },
        });
    }
    const body = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(body);
  });
}

/** Constant-time comparison of the presented bearer token (hashed to equal lengths). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (presented === undefined) return false;
  const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(token));
}
