import type {} from '@fastify/cookie';
import { z } from 'zod';
import { createLoginGuard, login, LoginRefusedError } from '../../auth/login.ts';
import { deleteAdminSessions, deleteSession, SESSION_HOURS } from '../../auth/sessions.ts';
import type { AppContext } from '../../context.ts';
import { getOrganization } from '../../directory/organizations.ts';
import { NotFoundError } from '../../errors.ts';
import { SESSION_COOKIE, tokenOf } from '../auth-hook.ts';
import { loginBody, sessionView } from '../schemas.ts';
import { servedOverHttps } from '../security-headers.ts';
import { adminOf, type ApiApp } from '../types.ts';

const tags = ['auth'];

/**
 * Sign-in: `POST /auth/login` (public, limited per client address and per account+address in
 * the database, see auth/login-limits.ts) returns a bearer token and sets the same token as
 * the panel's httpOnly cookie; `POST /auth/logout`; `POST /auth/logout-all`; `GET /auth/me`.
 */
export function registerAuthRoutes(app: ApiApp, ctx: AppContext): void {
  // One guard per process: its hashing slots protect this process's thread pool; the
  // attempt counters it consults are shared by all processes through the database.
  const guard = createLoginGuard({ idleMinutes: ctx.config.sessionIdleMinutes });
  // Secure whenever the panel's public URL is https, even when the proxy talks plain HTTP
  // to us; a direct https request (TRUST_PROXY'd X-Forwarded-Proto) counts as well.
  const secureCookie = (protocol: string): boolean =>
    servedOverHttps(ctx.config.publicUrl) || protocol === 'https';

  app.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Sign in as a platform administrator',
        body: loginBody,
        response: { 200: z.object({ token: z.string() }) },
      },
    },
    async (request, reply) => {
      let token: string;
      try {
        ({ token } = await login(
          ctx.db,
          guard,
          { ...request.body, ip: request.ip },
          ctx.clock.now(),
        ));
      } catch (err) {
        if (err instanceof LoginRefusedError) void reply.header('retry-after', err.retryAfter);
        throw err;
      }
      void reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie(request.protocol),
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

  app.post(
    '/auth/logout-all',
    {
      config: { sessionOnly: true },
      schema: {
        tags,
        summary: 'End every session of the signed-in administrator (all browsers)',
      },
    },
    async (request, reply) => {
      await deleteAdminSessions(ctx.db, adminOf(request).adminId);
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
        response: { 200: sessionView },
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
