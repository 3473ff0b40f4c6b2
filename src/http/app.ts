import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import type { DirectoryHooks } from '../directory/hooks.ts';
import type { JobsHealth } from '../jobs/health.ts';
import { auditHook } from './audit-hook.ts';
import { authenticate } from './auth-hook.ts';
import { toErrorReply } from './error-reply.ts';
import { OPENAPI_SERVERS, OPENAPI_TAGS } from './openapi-document.ts';
import { applyOpenApiDefaults } from './openapi-defaults.ts';
import { registerPanel } from './panel.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { trackRoutes } from './route-catalog.ts';
import { registerAdminRoutes } from './routes/admins.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerExclusionPreviewRoutes } from './routes/exclusion-preview.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerIntegrationRoutes } from './routes/integrations.ts';
import { registerTokenRoutes } from './routes/tokens.ts';
import { registerImpactRoutes } from './routes/impact.ts';
import { registerUnitRoutes } from './routes/units.ts';
import { registerUserTypeRoutes } from './routes/user-types.ts';
import { registerUserRoutes } from './routes/users.ts';
import type { ApiApp } from './types.ts';

/**
 * TRUST_PROXY in the shape Fastify's types accept: a hop count becomes the function Fastify
 * itself builds from a number (trust the first `n` hops from our socket).
 */
function fastifyTrustProxy(
  value: boolean | number | string[],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value !== 'number') return value;
  return (_address, hop) => hop < value;
}

/** Largest accepted request body. */
export const BODY_LIMIT = 1024 * 1024;

export const API_PREFIX = '/api/v1';

export interface BuildAppOptions {
  hooks?: DirectoryHooks;
  /** More route modules, registered last inside the authenticated /api/v1 scope. */
  extraRoutes?: Array<(app: ApiApp, ctx: AppContext) => void>;
  /** Routes outside /api/v1 and without sign-in (e.g. `/metrics`). */
  rootRoutes?: Array<(app: FastifyInstance) => void>;
  /** The job queue's state for /healthz; omitted → only the database is checked. */
  jobsHealth?: () => Promise<JobsHealth>;
}

/**
 * Builds the HTTP application: zod validation and serialisation, the OpenAPI document at
 * `/api/openapi.json`, one error shape for every failure, `/healthz`, and the /api/v1 routes
 * behind the authentication hook. The caller decides whether to `listen` or `inject`.
 */
export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<ApiApp> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    // Behind a TLS proxy: which hops may set X-Forwarded-For/-Proto/-Host (TRUST_PROXY).
    // Untrusted by default, so nobody can forge their address for the sign-in limits.
    trustProxy: fastifyTrustProxy(ctx.config.trustProxy),
    // Fastify's default request logs carry method, url, status and timing only: never
    // bodies, headers or cookies (and log.ts redacts credentials should one slip in).
  }).withTypeProvider<ZodTypeProvider>();

  trackRoutes(app);
  applyOpenApiDefaults(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // JSON only: a form (text/plain, urlencoded, multipart) is what a cross-site page can
  // send without a CORS preflight, so every other media type answers 415.
  app.removeContentTypeParser('text/plain');
  // An empty JSON body counts as no body, so `POST /users/:id/deactivate` works whether or
  // not the client sends a Content-Type; malformed JSON is still refused.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    defaultJson(request, text, done);
  });

  app.setErrorHandler((err, request, reply) => {
    const answer = toErrorReply(err);
    if (answer.internal) request.log.error({ err }, 'request failed');
    return reply.code(answer.status).send(answer.body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'not_found',
        message: `No route ${request.method} ${request.url.split('?')[0]}`,
      },
    }),
  );

  await registerSecurityHeaders(app, ctx.config.publicUrl);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Azure User Sync',
        description: 'Platform directory and Microsoft Entra ID synchronisation API',
        version: '1',
      },
      servers: OPENAPI_SERVERS,
      tags: OPENAPI_TAGS,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'aus_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerHealthRoutes(app, ctx, options.jobsHealth);
  for (const register of options.rootRoutes ?? []) register(app);

  await app.register(
    async (scope) => {
      const api = scope.withTypeProvider<ZodTypeProvider>();
      api.addHook('onRequest', authenticate(ctx));
      api.addHook('onSend', auditHook(ctx));
      registerAuthRoutes(api, ctx);
      registerUnitRoutes(api, ctx, options.hooks);
      registerUserTypeRoutes(api, ctx, options.hooks);
      registerUserRoutes(api, ctx, options.hooks);
      registerIntegrationRoutes(api, ctx, options.hooks);
      registerExclusionPreviewRoutes(api, ctx);
      registerTokenRoutes(api, ctx);
      registerAdminRoutes(api, ctx);
      registerAuditRoutes(api, ctx);
      registerImpactRoutes(api, ctx);
      for (const register of options.extraRoutes ?? []) register(api, ctx);
    },
    { prefix: API_PREFIX },
  );

  // Last: the panel's catch-all must not shadow any API route.
  await registerPanel(app);

  return app;
}
