import type {} from '@fastify/cookie';
import type {} from '@fastify/rate-limit';
import { z } from 'zod';
import { login } from '../../auth/login.ts';
import { deleteSession, SESSION_HOURS } from '../../auth/sessions.ts';
import type { AppContext } from '../../context.ts';
import { getOrganization } from '../../directory/organizations.ts';
import { AppError, NotFoundError } from '../../errors.ts';
import { SESSION_COOKIE, tokenOf } from '../auth-hook.ts';
import { emailSchema } from '../schemas.ts';
import { adminOf, type ApiApp } from '../types.ts';

const tags = ['auth'];

/** Sign-in attempts allowed per client address and email within a minute. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;

/**
 * Sign-in: `POST /auth/login` (public, rate-limited) returns a bearer token and sets the
 * same token as the panel's httpOnly cookie; `POST /auth/logout`; `GET /auth/me`.
 */
export function registerAuthRoutes(app: ApiApp, ctx: AppContext): void {
  app.post(
    '/auth/login',
    {
      config: {
        public: true,
        rateLimit: {
          max: LOGIN_ATTEMPTS_PER_MINUTE,
          timeWindow: '1 minute',
          // After validation, so the key can include the email being tried.
          hook: 'preHandler',
          keyGenerator: (request) => {
            const body = request.body as { email?: unknown } | undefined;
            const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
            return `login|${request.ip}|${email}`;
          },
          errorResponseBuilder: (_request, context) =>
            new AppError(
              429,
              'rate_limited',
              `Too many sign-in attempts: try again in ${context.after}`,
            ),
        },
      },
      schema: {
        tags,
        summary: 'Sign in as a platform administrator',
        body: z.strictObject({ email: emailSchema, password: z.string().min(1).max(1024) }),
        response: { 200: z.object({ token: z.string() }) },
      },
    },
    async (request, reply) => {
      const { token } = await login(ctx.db, request.body, ctx.clock.now());
      void reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        path: '/',
        maxAge: SESSION_HOURS * 3600,
      });
      return { token };
    },
  );

  app.post(
    '/auth/logout',
    { config: { sessionOnly: true }, schema: { tags, summary: 'End the current session' } },
    async (request, reply) => {
      const token = tokenOf(request);
      if (token) await deleteSession(ctx.db, token);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      config: { sessionOnly: true },
      schema: {
        tags,
        summary: 'The signed-in administrator and organisation',
        response: {
          200: z.object({
            email: z.string(),
            organization: z.object({ id: z.string(), name: z.string() }),
          }),
        },
      },
    },
    async (request) => {
      const principal = adminOf(request);
      const org = await getOrganization(ctx.db, principal.orgId);
      if (!org) throw new NotFoundError('Organisation');
      return { email: principal.email, organization: { id: org.id, name: org.name } };
    },
  );
}
