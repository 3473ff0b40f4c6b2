import type { FastifyRequest } from 'fastify';
import { resolveApiToken } from '../auth/api-tokens.ts';
import type { AppContext } from '../context.ts';
import { ForbiddenError } from '../errors.ts';
import type { TokenPrincipal } from './types.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Routes only a signed-in administrator may call, never an API token (403): managing
     * administrators and tokens, one's own password and session. A leaked token must not be
     * able to mint more tokens or lock the administrators out.
     */
    sessionOnly?: boolean;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True for requests that change state: everything but GET/HEAD/OPTIONS. */
export function isStateChanging(method: string): boolean {
  return !READ_METHODS.has(method.toUpperCase());
}

/**
 * Authenticates an `aus_…` bearer token: undefined when unknown, revoked or expired (the
 * caller then answers 401); 403 on
 * session-only routes and, for `read` tokens, on every state-changing route. Runs in the
 * onRequest hook, before the body is parsed, like session authentication.
 */
export async function authenticateApiToken(
  ctx: AppContext,
  request: FastifyRequest,
  value: string,
): Promise<TokenPrincipal | undefined> {
  const token = await resolveApiToken(ctx.db, value, ctx.clock.now(), request.ip);
  if (!token) return undefined;
  if (request.routeOptions.config.sessionOnly === true) {
    throw new ForbiddenError('API tokens cannot manage administrators, tokens or sessions');
  }
  if (token.scope === 'read' && isStateChanging(request.method)) {
    throw new ForbiddenError('This API token is read-only: create a read-write token to change');
  }
  return {
    kind: 'token',
    orgId: token.orgId,
    tokenId: token.id,
    tokenName: token.name,
    scope: token.scope,
  };
}
