import type { FastifyRequest } from 'fastify';
import { addDays } from '../../clock.ts';
import type { ApiToken } from '../../auth/api-tokens.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../../auth/api-tokens.ts';
import type { AppContext } from '../../context.ts';
import {
  createTokenBody,
  createdTokenView,
  tokenView,
  type TokenView,
} from '../automation-schemas.ts';
import { idParams } from '../schemas.ts';
import { adminOf, type ApiApp } from '../types.ts';
import { z } from 'zod';

const tags = ['tokens'];

function toView(token: ApiToken): TokenView {
  return {
    id: token.id,
    name: token.name,
    scope: token.scope,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
    lastUsedIp: token.lastUsedIp,
    revokedAt: token.revokedAt,
  };
}

function describeCreate(request: FastifyRequest) {
  const body = request.body as z.infer<typeof createTokenBody>;
  return { details: { name: body.name, scope: body.scope, expiresInDays: body.expiresInDays } };
}

/**
 * API tokens (issue 15): list, create (the value is in the 201 answer only), revoke.
 * Session-only: a token can neither see nor mint tokens.
 */
export function registerTokenRoutes(app: ApiApp, ctx: AppContext): void {
  app.get(
    '/tokens',
    {
      config: { sessionOnly: true },
      schema: {
        tags,
        operationId: 'listTokens',
        summary: "The organisation's API tokens with their last use, revoked ones included",
        response: { 200: z.array(tokenView) },
      },
    },
    async (request) => (await listApiTokens(ctx.db, adminOf(request).orgId)).map(toView),
  );

  app.post(
    '/tokens',
    {
      config: { sessionOnly: true, audit: { action: 'token.created', describe: describeCreate } },
      schema: {
        tags,
        operationId: 'createToken',
        summary: 'Create an API token; its value is in this answer only',
        body: createTokenBody,
        response: { 201: createdTokenView },
      },
    },
    async (request, reply) => {
      const admin = adminOf(request);
      const now = ctx.clock.now();
      const { token, value } = await createApiToken(
        ctx.db,
        {
          orgId: admin.orgId,
          name: request.body.name,
          scope: request.body.scope,
          expiresAt: addDays(now, request.body.expiresInDays),
          createdBy: admin.adminId,
        },
        now,
      );
      return reply.code(201).send({ ...toView(token), token: value });
    },
  );

  app.delete(
    '/tokens/:id',
    {
      config: { sessionOnly: true, audit: { action: 'token.revoked' } },
      schema: {
        tags,
        operationId: 'revokeToken',
        summary: 'Revoke an API token: it is refused (401) from now on',
        params: idParams,
        response: { 200: tokenView },
      },
    },
    async (request) =>
      toView(
        await revokeApiToken(ctx.db, adminOf(request).orgId, request.params.id, ctx.clock.now()),
      ),
  );
}
