import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { JobsHealth } from '../../jobs/health.ts';
import type { ApiApp } from '../types.ts';

const healthSchema = z.object({
  status: z.enum(['ok', 'error']),
  database: z.enum(['ok', 'unreachable']),
  queue: z.enum(['ok', 'unreachable', 'not-checked']),
});

/**
 * `GET /healthz`: 200 when the database (and, where this process has one, the job queue)
 * answers, 503 otherwise, for load balancers and orchestrators. It is public, so it says
 * whether things work and nothing more (no counts: queue sizes belong to `/metrics`).
 */
export function registerHealthRoutes(
  app: ApiApp,
  ctx: AppContext,
  jobsHealth?: () => Promise<JobsHealth>,
): void {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness, database and job queue reachability',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (request, reply) => {
      let database: 'ok' | 'unreachable' = 'ok';
      try {
        await sql`select 1`.execute(ctx.db);
      } catch (err) {
        request.log.error({ err }, 'health check: database unreachable');
        database = 'unreachable';
      }
      let queue: 'ok' | 'unreachable' | 'not-checked' = 'not-checked';
      if (jobsHealth) {
        try {
          const h = await jobsHealth();
          queue = h.queueReachable ? 'ok' : 'unreachable';
        } catch (err) {
          request.log.error({ err }, 'health check: job queue unreachable');
          queue = 'unreachable';
        }
      }
      const ok = database === 'ok' && queue !== 'unreachable';
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'error', database, queue });
    },
  );
}
