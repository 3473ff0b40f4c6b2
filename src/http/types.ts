import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { UnauthorizedError } from '../errors.ts';

/** The Fastify instance with zod schemas as its type provider: route files take this. */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** The signed-in platform administrator making a request. */
export interface Principal {
  adminId: string;
  orgId: string;
  email: string;
}

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
