import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiTokenScope } from '../db/schema.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';

/** The Fastify instance with zod schemas as its type provider: route files take this. */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** The signed-in platform administrator making a request. */
export interface AdminPrincipal {
  /** Absent on sessions (the default kind), so session code needs no change. */
  kind?: 'admin';
  adminId: string;
  orgId: string;
  email: string;
}

/** An API token making a request: it acts as its organisation, never as an administrator. */
export interface TokenPrincipal {
  kind: 'token';
  orgId: string;
  tokenId: string;
  tokenName: string;
  scope: ApiTokenScope;
}

/** Whoever an authenticated request acts for. */
export type Principal = AdminPrincipal | TokenPrincipal;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every /api/v1 route except login. */
    principal?: Principal;
  }
}

/** The caller of an authenticated route; throws 401 if the hook did not run (a bug). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
}

/**
 * The signed-in administrator of a session-only route (`config.sessionOnly`): the auth hook
 * already refused tokens there, so a token here is a bug; answer 403 rather than act.
 */
export function adminOf(request: FastifyRequest): AdminPrincipal {
  const principal = principalOf(request);
  if (principal.kind === 'token') throw new ForbiddenError('API tokens cannot do this');
  return principal;
}
