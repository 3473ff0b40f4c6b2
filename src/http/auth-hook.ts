import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { isApiTokenValue } from '../auth/api-tokens.ts';
import { resolveSession } from '../auth/sessions.ts';
import type { AppContext } from '../context.ts';
import { UnauthorizedError } from '../errors.ts';
import { authenticateApiToken } from './api-token-auth.ts';
import { assertSameOrigin } from './csrf.ts';

/** Name of the panel's session cookie (httpOnly, SameSite=Lax, Secure behind https). */
export const SESSION_COOKIE = 'aus_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the few /api/v1 routes that need no signed-in administrator (login). */
    public?: boolean;
  }
}

/** The session token of a request: `Authorization: Bearer …` first, then the cookie. */
export function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie && cookie.length > 0 ? cookie : undefined;
}

/**
 * The onRequest hook of the /api/v1 scope: refuses cross-site state changes (csrf.ts), then
 * resolves the token to a principal or answers 401. Runs before body parsing, so an
 * anonymous caller learns nothing from validation errors.
 */
export function authenticate(ctx: AppContext) {
  const policy = { idleMinutes: ctx.config.sessionIdleMinutes };
  return async (request: FastifyRequest): Promise<void> => {
    assertSameOrigin(request, ctx.config.publicUrl);
    if (request.routeOptions.config.public === true) return;
    const token = tokenOf(request);
    if (!token || token.length > 200) throw new UnauthorizedError();
    // API tokens (issue 15) carry a prefix; an unknown one falls through to the session
    // lookup, since a random session token may start with the same four characters.
    if (isApiTokenValue(token)) {
      const tokenPrincipal = await authenticateApiToken(ctx, request, token);
      if (tokenPrincipal) {
        request.principal = tokenPrincipal;
        return;
      }
    }
    const principal = await resolveSession(ctx.db, token, ctx.clock.now(), policy);
    if (!principal) throw new UnauthorizedError();
    request.principal = principal;
  };
}
