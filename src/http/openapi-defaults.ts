import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';
import { isStateChanging } from './api-token-auth.ts';

/**
 * Fills in what every operation of the OpenAPI document needs for client generators and
 * `redocly lint` (issue 15), from the route table rather than by hand in every route file:
 * an `operationId`, and each 4xx the shared machinery can answer (validation, sign-in,
 * token scope, unknown ids, body limits, known conflicts). Routes may set their own.
 */

/** The error body, as every 4xx answers it (src/http/error-reply.ts). */
const errorBody = (description: string) =>
  z
    .object({
      error: z.object({
        code: z.string(),
        message: z.string(),
        details: z.unknown().optional(),
      }),
    })
    .describe(description);

/**
 * Routes whose handlers answer 409, and why. Kept here (not in each route file) so the
 * conflicts a route can answer are listed in one place; the OpenAPI test fails when a
 * route in this table disappears.
 */
export const KNOWN_CONFLICTS: Record<string, string> = {
  'POST /api/v1/users': 'Another user of this organisation has this email',
  'PATCH /api/v1/users/:id': 'Another user of this organisation has this email',
  'PUT /api/v1/users/:id/memberships/:unitId':
    'The membership is managed by an integration, or changed meanwhile',
  'DELETE /api/v1/users/:id/memberships/:unitId': 'The membership is managed by an integration',
  'POST /api/v1/user-types': 'A user type with this name already exists',
  'PATCH /api/v1/user-types/:id': 'A user type with this name already exists',
  'DELETE /api/v1/user-types/:id': 'The user type is still given to members',
  'DELETE /api/v1/units/:id': 'The unit still has members or sub-units',
  'DELETE /api/v1/integrations/:id': 'A synchronisation of this integration is running',
  'POST /api/v1/runs/:runId/approve-deletions': 'The run holds no deletions',
  'POST /api/v1/admins': 'An administrator with this email already exists',
  'DELETE /api/v1/admins/:id': 'The last administrator cannot be removed',
};

/** `GET /api/v1/users/:id/memberships/:unitId` → `getUsersMembershipsById`. */
export function operationIdOf(method: string, url: string): string {
  const segments = url
    .replace(/^\/api\/v1\//, '/')
    .split('/')
    .filter(Boolean);
  const words = segments
    .filter((s) => !s.startsWith(':'))
    .flatMap((s) => s.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  const last = segments[segments.length - 1] ?? '';
  const pascal = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return `${method.toLowerCase()}${pascal}${last.startsWith(':') ? 'ById' : ''}`;
}

type Schema = {
  hide?: boolean;
  operationId?: string;
  body?: unknown;
  querystring?: unknown;
  params?: unknown;
  response?: Record<string | number, unknown>;
};

function fill(route: RouteOptions, method: string): void {
  // Routes outside the API declared without any schema (the panel's static files) are not
  // operations of the API: leave them out of the document.
  if (route.schema === undefined && !route.url.startsWith('/api/')) {
    route.schema = { hide: true } as NonNullable<RouteOptions['schema']>;
    return;
  }
  const schema = (route.schema ?? {}) as Schema;
  if (schema.hide === true) return;
  const config = (route.config ?? {}) as { public?: boolean; sessionOnly?: boolean };
  const inApi = route.url.startsWith('/api/v1/');
  const changes = isStateChanging(method);
  const response: Record<string | number, unknown> = { ...schema.response };
  const add = (status: number, description: string) => {
    if (response[status] === undefined) response[status] = errorBody(description);
  };
  if (
    schema.body !== undefined ||
    schema.querystring !== undefined ||
    schema.params !== undefined ||
    changes
  ) {
    add(400, 'Invalid request: `details.issues` names each field');
  } else {
    // Fastify refuses a malformed URL or header on any route before it runs.
    add(400, 'The request could not be processed (malformed URL or headers)');
  }
  if (inApi && config.public !== true) {
    add(401, 'Missing, expired or revoked session or API token');
    if (changes || config.sessionOnly === true) {
      add(
        403,
        'An API token on a route it may not use (read-only scope, or administrators and tokens)',
      );
    }
  }
  if (route.url.includes('/:')) add(404, 'No such object in this organisation');
  const conflict = KNOWN_CONFLICTS[`${method} ${route.url}`];
  if (conflict) add(409, conflict);
  if (changes) {
    add(413, 'The request body is larger than 1 MiB');
    add(415, 'The request body is not JSON');
  }
  const rateLimited = (route.config as { rateLimit?: unknown } | undefined)?.rateLimit;
  if (rateLimited !== undefined) add(429, 'Too many attempts: try again later');
  // A route that declares no success answer (a bare 204) still needs one in the document.
  if (!Object.keys(response).some((k) => k.startsWith('2'))) {
    response[changes ? 204 : 200] = z.null().describe(changes ? 'Done' : 'OK');
  }
  route.schema = {
    ...schema,
    operationId: schema.operationId ?? operationIdOf(method, route.url),
    response,
  } as NonNullable<RouteOptions['schema']>;
}

/** Registers the onRoute hook; call before any route is added. */
export function applyOpenApiDefaults(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const method = methods.find((m) => m !== 'HEAD') ?? methods[0];
    if (method !== undefined) fill(route, String(method));
  });
}
