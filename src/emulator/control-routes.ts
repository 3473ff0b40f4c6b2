/**
 * Control API of the emulator, for tests, demos and curious humans. Local and unauthenticated
 * on purpose; JSON in, JSON out; never faulted, never in the request log.
 * `{t}` is a tenant GUID, its domain, or `default` (the emulator's first tenant).
 *
 *   GET    /_emulator                                   origin and tenants with user counts
 *   GET    /_emulator/tenants                           same tenants list
 *   POST   /_emulator/tenants                           {id?, domain?} → new tenant (with defaultApp)
 *   GET    /_emulator/tenants/{t}                       {id, domain, users, defaultApp, deltaOddities}
 *   POST   /_emulator/tenants/{t}/apps                  {clientId?, secret?, secretExpiresAt?, consent?}
 *   GET    /_emulator/tenants/{t}/users?offset=&limit=  {count, items} (live users)
 *   POST   /_emulator/tenants/{t}/users                 {givenName, surname, …} → 201 user
 *   POST   /_emulator/tenants/{t}/users/generate        {count, seed?} → {count}
 *   GET    /_emulator/tenants/{t}/users/{id}            user (also soft-deleted ones, with deleted:true)
 *   PATCH  /_emulator/tenants/{t}/users/{id}            {department: "Sales", …} → user
 *   POST   /_emulator/tenants/{t}/users/{id}/disable    accountEnabled=false
 *   POST   /_emulator/tenants/{t}/users/{id}/enable     accountEnabled=true
 *   POST   /_emulator/tenants/{t}/users/{id}/soft-delete  to deleted items (delta: reason changed)
 *   POST   /_emulator/tenants/{t}/users/{id}/restore    back from deleted items
 *   DELETE /_emulator/tenants/{t}/users/{id}            permanent delete (delta: reason deleted)
 *   POST   /_emulator/tenants/{t}/groups                {displayName, id?} → 201 group
 *   POST   /_emulator/tenants/{t}/groups/{g}/members    {id} a user or a group (nested) → 201
 *   DELETE /_emulator/tenants/{t}/groups/{g}/members/{m}  removes a direct member
 *   POST   /_emulator/tenants/{t}/expire-delta-tokens   every link issued so far answers 410
 *   PUT    /_emulator/tenants/{t}/delta-oddities        {duplicates?: 0..1, shuffle?: bool}
 *   GET    /_emulator/faults                            {injected}
 *   PUT    /_emulator/faults/rate                       {rate, seed?, kinds?, tokenEndpoint?, retryAfter?}
 *   POST   /_emulator/faults/rules                      {kind, path?, query?, method?, nth?, times?, retryAfter?, stallMs?}
 *   DELETE /_emulator/faults                            clear all faults
 *   GET    /_emulator/requests?limit=100                latest token/Graph requests
 *   POST   /_emulator/clock/advance                     {ms} (or {days}) moves the emulator clock
 *   GET    /_emulator/subscriptions                     {items, stats} change-notification subscriptions
 *   POST   /_emulator/subscriptions/{id}/lifecycle      {event: subscriptionRemoved|reauthorizationRequired|missed}
 *   PUT    /_emulator/subscriptions/delivery            {enabled} false: notifications are dropped
 *
 * Example: curl --cacert ca.pem -X PATCH https://127.0.0.1:PORT/_emulator/tenants/default/users/ID \
 *            -d '{"department":"Sales"}'
 */
import { z } from 'zod';
import { readBody, sendJson, type Exchange } from './exchange.ts';
import type { FaultInjector } from './faults.ts';
import type { LifecycleEvent } from './notification-delivery.ts';
import type { RequestLog } from './request-log.ts';
import type { EmulatorState } from './state.ts';
import { UnknownUserError, type Tenant } from './tenant.ts';
import type { EmulatedUser } from './types.ts';

/** What the control API may touch. */
export interface ControlDeps {
  state: EmulatorState;
  faults: FaultInjector;
  log: RequestLog;
  advanceTime(ms: number): void;
  /** Sends a lifecycle event (and applies it); false for an unknown subscription. */
  lifecycle(id: string, event: LifecycleEvent): Promise<boolean>;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const text = z.string().nullable().optional();
const userSchema = z
  .object({
    id: z.string().min(1).optional(),
    givenName: text,
    surname: text,
    displayName: text,
    mail: text,
    userPrincipalName: z.string().min(3).optional(),
    accountEnabled: z.boolean().nullable().optional(),
    userType: z.enum(['Member', 'Guest']).optional(),
    jobTitle: text,
    companyName: text,
    department: text,
    streetAddress: text,
    state: text,
    country: text,
    officeLocation: text,
    city: text,
    postalCode: text,
    employeeType: text,
    employeeOrgData: z
      .object({ division: text, costCenter: text })
      .strict()
      .transform((o) => ({ division: o.division ?? null, costCenter: o.costCenter ?? null }))
      .nullable()
      .optional(),
    onPremisesExtensionAttributes: z
      .record(z.string().regex(/^extensionAttribute([1-9]|1[0-5])$/), z.string().nullable())
      .nullable()
      .optional(),
  })
  .strict();
const tenantSchema = z
  .object({ id: z.string().optional(), domain: z.string().optional() })
  .strict();
const appSchema = z
  .object({
    clientId: z.string().optional(),
    secret: z.string().min(1).optional(),
    secretExpiresAt: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    consent: z.boolean().optional(),
    groupConsent: z.boolean().optional(),
  })
  .strict();
const generateSchema = z
  .object({ count: z.number().int().min(0).max(2_000_000), seed: z.number().int().optional() })
  .strict();
const odditiesSchema = z
  .object({ duplicates: z.number().min(0).max(1).optional(), shuffle: z.boolean().optional() })
  .strict();
const kindSchema = z.enum(['429', '503', '504', 'reset', 'stall', 'truncated']);
const rateSchema = z
  .object({
    rate: z.number().min(0).max(1),
    seed: z.number().int().optional(),
    kinds: z.array(kindSchema).min(1).optional(),
    tokenEndpoint: z.boolean().optional(),
    retryAfter: z.number().min(0).optional(),
  })
  .strict();
const ruleSchema = z
  .object({
    kind: kindSchema,
    path: z.string().optional(),
    query: z.string().optional(),
    method: z.string().optional(),
    nth: z.number().int().min(1).optional(),
    times: z.number().int().min(1).optional(),
    retryAfter: z.number().min(0).optional(),
    stallMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict();
const lifecycleSchema = z
  .object({ event: z.enum(['subscriptionRemoved', 'reauthorizationRequired', 'missed']) })
  .strict();
const deliverySchema = z.object({ enabled: z.boolean() }).strict();
const clockSchema = z.object({ ms: z.number().optional(), days: z.number().optional() }).strict();

/** Drops keys whose value is undefined (zod's optional output vs exactOptionalPropertyTypes). */
function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

async function body<S extends z.ZodType>(ex: Exchange, schema: S): Promise<z.infer<S>> {
  const raw = await readBody(ex.req);
  let parsed: unknown = {};
  if (raw.trim() !== '') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ControlError(400, 'invalid_json', 'The body is not valid JSON.');
    }
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || 'body';
    throw new ControlError(400, 'validation_failed', `${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

function tenantSummary(tenant: Tenant): Record<string, unknown> {
  return {
    id: tenant.id,
    domain: tenant.domain,
    users: tenant.count(),
    defaultApp: tenant.defaultApp,
    deltaOddities: tenant.deltaOddities,
  };
}

/** Creates the /_emulator request handler. */
export function createControlHandler(deps: ControlDeps): (ex: Exchange) => Promise<void> {
  return async (ex) => {
    try {
      const result = await route(deps, ex);
      sendJson(ex, result.status, result.body);
    } catch (err) {
      if (err instanceof ControlError) {
        return sendJson(ex, err.status, { error: { code: err.code, message: err.message } });
      }
      if (err instanceof UnknownUserError) {
        return sendJson(ex, 404, { error: { code: 'not_found', message: err.message } });
      }
      const message = err instanceof Error ? err.message : String(err);
      sendJson(ex, 409, { error: { code: 'conflict', message } });
    }
  };
}

interface Result {
  status: number;
  body: unknown;
}

const ok = (body: unknown, status = 200): Result => ({ status, body });

async function route(deps: ControlDeps, ex: Exchange): Promise<Result> {
  const { state, faults } = deps;
  const method = ex.req.method ?? 'GET';
  const parts = ex.url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  const [section, key, sub, id, action] = parts;
  const is = (m: string, n: number): boolean => method === m && parts.length === n;

  if (section === undefined || (section === 'tenants' && is('GET', 1))) {
    return ok({ origin: state.origin, tenants: state.tenants.list().map(tenantSummary) });
  }
  if (section === 'tenants') {
    if (is('POST', 1))
      return ok(tenantSummary(state.tenants.create(defined(await body(ex, tenantSchema)))), 201);
    const tenant = key === 'default' ? state.tenants.list()[0] : state.tenants.find(key ?? '');
    if (!tenant) throw new ControlError(404, 'not_found', `tenant ${key} not found`);
    if (is('GET', 2)) return ok(tenantSummary(tenant));
    if (sub === 'apps' && is('POST', 3)) {
      const input = defined(await body(ex, appSchema));
      const { secretExpiresAt, ...rest } = input;
      return ok(
        tenant.addApp(
          secretExpiresAt ? { ...rest, secretExpiresAt: new Date(secretExpiresAt) } : rest,
        ),
        201,
      );
    }
    if (sub === 'expire-delta-tokens' && is('POST', 3)) {
      tenant.expireDeltaTokens();
      return ok({ expired: true });
    }
    if (sub === 'delta-oddities' && is('PUT', 3)) {
      tenant.deltaOddities = defined(await body(ex, odditiesSchema));
      return ok(tenant.deltaOddities);
    }
    if (sub === 'users') return usersRoute(ex, tenant, method, parts.length, id, action);
    if (sub === 'groups') return groupsRoute(ex, tenant, method, parts);
  }
  if (section === 'faults') {
    if (is('GET', 1)) return ok({ injected: faults.injected });
    if (is('DELETE', 1)) {
      faults.clear();
      return ok({ cleared: true });
    }
    if (key === 'rate' && is('PUT', 2)) {
      const { rate, seed, ...options } = defined(await body(ex, rateSchema));
      faults.setRate(rate ?? 0, seed, defined(options));
      return ok({ rate });
    }
    if (key === 'rules' && is('POST', 2)) {
      const rule = defined(await body(ex, ruleSchema));
      if (!rule.kind) throw new ControlError(400, 'validation_failed', 'kind: required');
      faults.script({ ...rule, kind: rule.kind });
      return ok(rule, 201);
    }
  }
  if (section === 'requests' && is('GET', 1)) {
    const limit = Math.max(
      1,
      Math.min(10_000, Number(ex.url.searchParams.get('limit') ?? 100) || 100),
    );
    return ok({ items: deps.log.entries.slice(-limit) });
  }
  if (section === 'subscriptions') {
    if (is('GET', 1)) {
      // clientState stays out: it is the subscriber's secret.
      const items = state.subscriptions.list().map((s) => ({
        id: s.id,
        tenantId: s.tenantId,
        applicationId: s.applicationId,
        resource: s.resource,
        changeType: s.changeType,
        notificationUrl: s.notificationUrl,
        lifecycleNotificationUrl: s.lifecycleNotificationUrl,
        expirationDateTime: new Date(s.expiresAt).toISOString(),
        needsReauthorization: s.needsReauthorization,
      }));
      return ok({ items, stats: state.delivery.stats });
    }
    if (key === 'delivery' && is('PUT', 2)) {
      const { enabled } = await body(ex, deliverySchema);
      state.delivery.enabled = enabled;
      return ok({ enabled });
    }
    if (key !== undefined && sub === 'lifecycle' && is('POST', 3)) {
      const { event } = await body(ex, lifecycleSchema);
      if (!(await deps.lifecycle(key, event))) {
        throw new ControlError(404, 'not_found', `subscription ${key} not found`);
      }
      return ok({ id: key, event });
    }
  }
  if (section === 'clock' && key === 'advance' && is('POST', 2)) {
    const { ms, days } = await body(ex, clockSchema);
    const total = (ms ?? 0) + (days ?? 0) * 86_400_000;
    deps.advanceTime(total);
    return ok({ now: new Date(state.now()).toISOString() });
  }
  throw new ControlError(404, 'not_found', `no control route ${method} ${ex.url.pathname}`);
}

const groupSchema = z
  .object({ displayName: z.string().min(1), id: z.string().min(1).optional() })
  .strict();
const memberSchema = z.object({ id: z.string().min(1) }).strict();

async function groupsRoute(
  ex: Exchange,
  tenant: Tenant,
  method: string,
  parts: readonly string[],
): Promise<Result> {
  const [, , , groupId, members, memberId] = parts;
  if (parts.length === 3 && method === 'POST') {
    const { displayName, id } = await body(ex, groupSchema);
    return ok(tenant.addGroup(displayName, id), 201);
  }
  if (groupId !== undefined && members === 'members') {
    if (!tenant.groups.groups.has(groupId)) {
      throw new ControlError(404, 'not_found', `group ${groupId} not found`);
    }
    if (parts.length === 5 && method === 'POST') {
      const { id } = await body(ex, memberSchema);
      tenant.addGroupMember(groupId, id);
      return ok({ groupId, memberId: id }, 201);
    }
    if (parts.length === 6 && method === 'DELETE' && memberId !== undefined) {
      tenant.removeGroupMember(groupId, memberId);
      return ok({ groupId, memberId, removed: true });
    }
  }
  throw new ControlError(404, 'not_found', `no control route ${method} ${ex.url.pathname}`);
}

async function usersRoute(
  ex: Exchange,
  tenant: Tenant,
  method: string,
  depth: number,
  id: string | undefined,
  action: string | undefined,
): Promise<Result> {
  if (depth === 3 && method === 'GET') {
    const offset = Math.max(0, Number(ex.url.searchParams.get('offset') ?? 0) || 0);
    const limit = Math.max(
      1,
      Math.min(1000, Number(ex.url.searchParams.get('limit') ?? 100) || 100),
    );
    const items: EmulatedUser[] = [];
    let i = 0;
    for (const user of tenant.users()) {
      if (i++ < offset) continue;
      if (items.length >= limit) break;
      items.push(user);
    }
    return ok({ count: tenant.count(), items });
  }
  if (depth === 3 && method === 'POST') {
    return ok(tenant.addUser(defined(await body(ex, userSchema)) as Partial<EmulatedUser>), 201);
  }
  if (id === 'generate' && depth === 4 && method === 'POST') {
    const { count, seed } = await body(ex, generateSchema);
    if (seed === undefined) tenant.generate(count);
    else tenant.generate(count, seed);
    return ok({ count: tenant.count() });
  }
  if (id === undefined) throw new ControlError(404, 'not_found', 'no such route');
  if (depth === 4 && method === 'GET') {
    const user = tenant.getUser(id);
    if (user) return ok(user);
    if (tenant.isSoftDeleted(id)) return ok({ id, deleted: true });
    throw new UnknownUserError(id);
  }
  if (depth === 4 && method === 'PATCH') {
    return ok(tenant.updateUser(id, defined(await body(ex, userSchema)) as Partial<EmulatedUser>));
  }
  if (depth === 4 && method === 'DELETE') {
    tenant.hardDeleteUser(id);
    return ok({ id, deleted: 'hard' });
  }
  if (depth === 5 && method === 'POST') {
    const actions: Record<string, (userId: string) => void> = {
      disable: (u) => tenant.disableUser(u),
      enable: (u) => tenant.enableUser(u),
      'soft-delete': (u) => tenant.softDeleteUser(u),
      restore: (u) => tenant.restoreUser(u),
    };
    const run = actions[action ?? ''];
    if (run) {
      run(id);
      return ok({ id, done: action });
    }
  }
  throw new ControlError(404, 'not_found', `no control route ${method} ${ex.url.pathname}`);
}
