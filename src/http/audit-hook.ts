import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit, type AuditActor } from '../audit/audit-log.ts';
import { findAdminByEmail } from '../auth/admins.ts';
import type { AppContext } from '../context.ts';
import { isStateChanging } from './api-token-auth.ts';
import { AUDIT_ACTIONS } from './audit-actions.ts';

/** What the route's audit entry says beyond the generic facts (action, target, details). */
export interface AuditDescription {
  action?: string;
  details?: Record<string, unknown>;
}

/**
 * A route's audit metadata (`config.audit`). Every state-changing /api/v1 route is audited by
 * default with an action derived from its path; routes name their action here, may refine
 * it from the request, and set `onFailure` to also record refused attempts (sign-in).
 */
export interface AuditRouteConfig {
  action: string;
  describe?: (request: FastifyRequest) => AuditDescription;
  /** Action recorded when the route answers 4xx (e.g. `auth.login-failed`). */
  onFailure?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Audit metadata; `false` for the rare state-changing route that changes nothing. */
    audit?: AuditRouteConfig | false;
  }
}

/**
 * The action of a route without `config.audit`: `POST /api/v1/units/:id/foo` → `units.foo`,
 * otherwise `<resource>.<created|updated|deleted|replaced>` from the method. Routes added
 * later are audited without anyone remembering to.
 */
export function defaultAction(method: string, url: string): string {
  const parts = url
    .replace(/^\/api\/v1\//, '')
    .split('/')
    .filter((p) => p !== '' && !p.startsWith(':'));
  const resource = parts[0] ?? 'api';
  if (parts.length > 1 && method === 'POST') return `${resource}.${parts.slice(1).join('-')}`;
  const verb: Record<string, string> = {
    POST: 'created',
    PATCH: 'updated',
    PUT: 'replaced',
    DELETE: 'deleted',
  };
  const sub = parts.slice(1).join('-');
  return `${sub ? `${resource}.${sub}` : resource}.${verb[method] ?? method.toLowerCase()}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What may be stored about a request body: the names of the fields sent, and the values of
 * boolean fields only (`dryRun`, `enabled`). Strings are never copied: a secret, a password
 * or a token value can only ever be a string.
 */
export function bodyFacts(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) return {};
  const fields = Object.keys(body).sort();
  const flags = Object.fromEntries(
    Object.entries(body).filter(
      (entry): entry is [string, boolean] => typeof entry[1] === 'boolean',
    ),
  );
  return fields.length > 0 ? { fields, ...(Object.keys(flags).length > 0 ? { flags } : {}) } : {};
}

/** Path parameters (ids), plus the id a 2xx answer created (`id` or `runId`). */
function targetOf(request: FastifyRequest, payload: unknown): Record<string, string> | null {
  const target: Record<string, string> = {};
  if (isRecord(request.params)) {
    for (const [k, v] of Object.entries(request.params)) if (typeof v === 'string') target[k] = v;
  }
  if (typeof payload === 'string' && payload.startsWith('{')) {
    try {
      const body: unknown = JSON.parse(payload);
      if (isRecord(body)) {
        for (const key of ['id', 'runId'] as const) {
          const v = body[key];
          if (typeof v === 'string' && target[key] === undefined) target[key] = v;
        }
      }
    } catch {
      // Not JSON: nothing to take.
    }
  }
  return Object.keys(target).length > 0 ? target : null;
}

async function actorOf(
  ctx: AppContext,
  request: FastifyRequest,
  succeeded: boolean,
): Promise<(AuditActor & { orgId: string | null }) | undefined> {
  const p = request.principal;
  if (p?.kind === 'token')
    return { type: 'token', id: p.tokenId, label: p.tokenName, orgId: p.orgId };
  if (p) return { type: 'admin', id: p.adminId, label: p.email, orgId: p.orgId };
  // A public route (sign-in): the administrator with the email sent, when it succeeded; the
  // email tried and its organisation, if any, when it failed.
  const body = request.body;
  const email = isRecord(body) && typeof body.email === 'string' ? body.email.slice(0, 320) : '';
  if (email === '') return undefined;
  const admin = await findAdminByEmail(ctx.db, email);
  if (admin && succeeded)
    return { type: 'admin', id: admin.id, label: admin.email, orgId: admin.orgId };
  return { type: 'anonymous', id: null, label: email.toLowerCase(), orgId: admin?.orgId ?? null };
}

/**
 * The onSend hook of the /api/v1 scope: writes exactly one audit entry for every successful
 * state-changing request (and for the failures a route asks for), before the answer leaves,
 * so a client that got its answer can read the entry. An audit write that fails is logged,
 * not turned into an error: the change it describes has already been committed.
 */
export function auditHook(ctx: AppContext) {
  return async (
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
  ): Promise<unknown> => {
    const config = request.routeOptions.config;
    const url = request.routeOptions.url;
    if (url === undefined || config.audit === false || !isStateChanging(request.method)) {
      return payload;
    }
    const status = reply.statusCode;
    const route = config.audit ?? AUDIT_ACTIONS[`${request.method} ${url}`];
    let action: string | undefined;
    if (status < 400) action = route?.action ?? defaultAction(request.method, url);
    // Refused sign-ins (wrong password, rate limit), not malformed requests.
    else if ((status === 401 || status === 429) && route?.onFailure) action = route.onFailure;
    if (action === undefined) return payload;
    try {
      const actor = await actorOf(ctx, request, status < 400);
      if (!actor) return payload;
      const described = status < 400 ? route?.describe?.(request) : undefined;
      const { orgId, ...who } = actor;
      await recordAudit(
        ctx.db,
        {
          orgId,
          actor: who,
          ip: request.ip,
          action: described?.action ?? action,
          method: request.method,
          path: url,
          status,
          target: status < 400 ? targetOf(request, payload) : null,
          details: { ...bodyFacts(request.body), ...described?.details },
        },
        ctx.clock.now(),
      );
    } catch (err) {
      request.log.error({ err }, 'audit entry not written');
    }
    return payload;
  };
}
