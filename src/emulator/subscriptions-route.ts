/**
 * Graph's `/v1.0/subscriptions` for `users`, as the pages followed describe it:
 * api-reference/v1.0/api/subscription-post-subscriptions.md (create, permissions),
 * api-reference/v1.0/resources/subscription.md (properties, change types for users, the
 * 41,760-minute limit), concepts/change-notifications-delivery-webhooks.md (validation
 * handshake, renewal by PATCH, delete → 204) and concepts/change-notifications-lifecycle-events.md
 * (reauthorize).
 */
import { z } from 'zod';
import { readBody, sendGraphError, sendJson, type Exchange } from './exchange.ts';
import { authenticate } from './graph-auth.ts';
import type { EmulatorState } from './state.ts';
import {
  subscriptionJson,
  USER_CHANGE_TYPES,
  USER_SUBSCRIPTION_MAX_MINUTES,
  type EmulatedSubscription,
} from './subscription-store.ts';

const SUBSCRIPTION_PATH = /^\/v1\.0\/subscriptions\/([^/]+)(\/reauthorize)?$/;
const CLIENT_STATE_MAX = 128;

const createSchema = z.object({
  changeType: z.string().min(1),
  notificationUrl: z.string().min(1),
  lifecycleNotificationUrl: z.string().min(1).nullable().optional(),
  resource: z.string().min(1),
  expirationDateTime: z.string().min(1),
  clientState: z.string().nullable().optional(),
  latestSupportedTlsVersion: z.string().optional(),
  includeResourceData: z.boolean().optional(),
});
const patchSchema = z.object({
  expirationDateTime: z.string().min(1).optional(),
  notificationUrl: z.string().min(1).optional(),
});

class BadRequest extends Error {}

/** True when the request path is one of the subscription routes. */
export function isSubscriptionPath(path: string): boolean {
  return path === '/v1.0/subscriptions' || SUBSCRIPTION_PATH.test(path);
}

/** Dispatches `/v1.0/subscriptions[/{id}[/reauthorize]]` by method. */
export async function handleSubscriptions(ex: Exchange, state: EmulatorState): Promise<void> {
  const tenant = authenticate(ex, state);
  if (!tenant) return;
  const grant = state.tokens.verify(bearer(ex), ex.now);
  const applicationId = typeof grant === 'string' ? '' : grant.clientId;
  const method = ex.req.method ?? 'GET';
  const path = ex.url.pathname;
  try {
    if (path === '/v1.0/subscriptions') {
      if (method === 'POST') return await create(ex, state, tenant.id, applicationId);
      if (method === 'GET') {
        const value = state.subscriptions
          .list(tenant.id, applicationId)
          .map((s) => subscriptionJson(s, state.origin));
        return sendJson(ex, 200, {
          '@odata.context': `${state.origin}/v1.0/$metadata#subscriptions`,
          value,
        });
      }
      return sendGraphError(
        ex,
        405,
        'Request_BadRequest',
        `The HTTP method '${method}' is not allowed.`,
      );
    }
    const match = SUBSCRIPTION_PATH.exec(path);
    const id = decodeURIComponent(match?.[1] ?? '');
    const sub = state.subscriptions.get(id);
    if (!sub || sub.tenantId !== tenant.id) {
      return sendGraphError(ex, 404, 'ResourceNotFound', `The object was not found.`);
    }
    if (match?.[2]) {
      if (method !== 'POST') return sendGraphError(ex, 405, 'Request_BadRequest', 'Use POST.');
      sub.needsReauthorization = false;
      ex.res.writeHead(204).end();
      return;
    }
    if (method === 'GET') return sendJson(ex, 200, subscriptionJson(sub, state.origin));
    if (method === 'DELETE') {
      state.subscriptions.delete(sub.id);
      ex.res.writeHead(204).end();
      return;
    }
    if (method === 'PATCH') return await patch(ex, state, sub);
    sendGraphError(ex, 405, 'Request_BadRequest', `The HTTP method '${method}' is not allowed.`);
  } catch (err) {
    if (err instanceof BadRequest) return sendGraphError(ex, 400, 'InvalidRequest', err.message);
    throw err;
  }
}

async function create(
  ex: Exchange,
  state: EmulatorState,
  tenantId: string,
  applicationId: string,
): Promise<void> {
  const input = parse(createSchema, await readBody(ex.req, 64 * 1024));
  const resource = input.resource.replace(/^\//, '');
  if (resource.toLowerCase() !== 'users') {
    throw new BadRequest(
      `Resource '${input.resource}' is not supported by this emulator (only 'users').`,
    );
  }
  const types = input.changeType.split(',').map((t) => t.trim());
  for (const t of types) {
    if (!USER_CHANGE_TYPES.has(t)) {
      throw new BadRequest(
        `ChangeType '${t}' is not supported for resource 'users'; use updated, deleted.`,
      );
    }
  }
  if (input.clientState && input.clientState.length > CLIENT_STATE_MAX) {
    throw new BadRequest(`clientState must be at most ${CLIENT_STATE_MAX} characters.`);
  }
  const expiresAt = checkExpiration(input.expirationDateTime, ex.now);
  checkUrl(state, 'notificationUrl', input.notificationUrl);
  const lifecycleUrl = input.lifecycleNotificationUrl ?? null;
  if (lifecycleUrl !== null) checkUrl(state, 'lifecycleNotificationUrl', lifecycleUrl);
  for (const url of lifecycleUrl
    ? [input.notificationUrl, lifecycleUrl]
    : [input.notificationUrl]) {
    const failure = await state.delivery.validate(url);
    if (failure !== null) {
      throw new BadRequest(
        `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request: ${url.split('?')[0] ?? url} ${failure}.`,
      );
    }
  }
  const sub = state.subscriptions.add({
    tenantId,
    applicationId,
    resource,
    changeType: types.join(','),
    notificationUrl: input.notificationUrl,
    lifecycleNotificationUrl: lifecycleUrl,
    clientState: input.clientState ?? null,
    expiresAt,
  });
  sendJson(ex, 201, subscriptionJson(sub, state.origin));
}

async function patch(ex: Exchange, state: EmulatorState, sub: EmulatedSubscription): Promise<void> {
  const input = parse(patchSchema, await readBody(ex.req, 64 * 1024));
  if (input.notificationUrl !== undefined) {
    checkUrl(state, 'notificationUrl', input.notificationUrl);
    const failure = await state.delivery.validate(input.notificationUrl);
    if (failure !== null)
      throw new BadRequest(`Subscription validation request failed: ${failure}.`);
    sub.notificationUrl = input.notificationUrl;
  }
  if (input.expirationDateTime !== undefined) {
    sub.expiresAt = checkExpiration(input.expirationDateTime, ex.now);
  }
  // A renewal is also a reauthorization (change-notifications-lifecycle-events.md).
  sub.needsReauthorization = false;
  sendJson(ex, 200, subscriptionJson(sub, state.origin));
}

function checkExpiration(value: string, now: number): number {
  const at = Date.parse(value);
  if (Number.isNaN(at))
    throw new BadRequest(`expirationDateTime '${value}' is not a date and time.`);
  if (at <= now) throw new BadRequest('Subscription expiration can only be in the future.');
  if (at > now + USER_SUBSCRIPTION_MAX_MINUTES * 60_000) {
    throw new BadRequest(
      `Subscription expiration can only be ${USER_SUBSCRIPTION_MAX_MINUTES} minutes in the future.`,
    );
  }
  return at;
}

/**
 * Graph requires https notification URLs. An emulator started with
 * `allowHttpNotificationUrls` (tests and the demo only) also accepts http on a loopback
 * address, where no certificate can be had.
 */
function checkUrl(state: EmulatorState, field: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadRequest(`${field} must be an absolute URL.`);
  }
  if (url.protocol === 'https:') return;
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && loopback && state.allowHttpNotificationUrls) return;
  throw new BadRequest(`${field} must use the HTTPS protocol.`);
}

function parse<S extends z.ZodType>(schema: S, raw: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new BadRequest('The request body is not valid JSON.');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BadRequest(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

function bearer(ex: Exchange): string {
  return /^Bearer\s+(\S+)$/i.exec(ex.req.headers.authorization ?? '')?.[1] ?? '';
}
