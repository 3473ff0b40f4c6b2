import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.ts';

/**
 * Serves `GET /metrics` in the Prometheus text format (version 0.0.4). No sign-in, like
 * every Prometheus target: expose the port only to the monitoring network.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: Pick<Metrics, 'registry'>,
): void {
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    const body = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(body);
  });
}
