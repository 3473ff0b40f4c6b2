/**
 * Graph change-notification subscriptions on `users` (issue 16), as documented in
 * api-reference/v1.0/api/subscription-post-subscriptions.md (create; User.Read.All is the
 * least-privileged application permission for `users`), api-reference/v1.0/resources/subscription.md
 * (properties; users support `updated` and `deleted`; at most 41,760 minutes) and
 * concepts/change-notifications-delivery-webhooks.md (renew with PATCH, delete → 204).
 */
import { GraphError } from './errors.ts';
import type { GraphGet } from './graph-request.ts';

/** What the service asks Graph to create. */
export interface SubscriptionRequest {
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  clientState: string;
  expirationDateTime: string;
}

/** The parts of Graph's answer the service keeps. */
export interface GraphSubscription {
  id: string;
  expirationDateTime: string;
}

/**
 * `updated` covers creation, update and soft delete of a user, `deleted` a permanent
 * delete (resources/subscription.md, changeType note): both matter to the sync.
 */
export const USER_CHANGE_TYPE = 'updated,deleted';

/** Longest lifetime Graph gives a `users` subscription, in minutes (resources/subscription.md). */
export const USER_SUBSCRIPTION_MAX_MINUTES = 41_760;

export async function createSubscription(
  get: GraphGet,
  req: SubscriptionRequest,
): Promise<GraphSubscription> {
  const res = await get('/v1.0/subscriptions', {
    method: 'POST',
    body: { changeType: USER_CHANGE_TYPE, resource: 'users', ...req },
  });
  return parseSubscription(res.json);
}

/** Renewal (and reauthorization): PATCH a new expirationDateTime. */
export async function renewSubscription(
  get: GraphGet,
  id: string,
  expirationDateTime: string,
): Promise<GraphSubscription> {
  const res = await get(`/v1.0/subscriptions/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: { expirationDateTime },
  });
  return parseSubscription(res.json);
}

/** Deletes the subscription; one Graph no longer knows counts as deleted. */
export async function deleteSubscription(get: GraphGet, id: string): Promise<void> {
  try {
    await get(`/v1.0/subscriptions/${encodeURIComponent(id)}`, { method: 'DELETE' });
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
}

/** True for Graph's 404: the subscription expired or was removed. */
export function isNotFound(err: unknown): boolean {
  return err instanceof GraphError && err.httpStatus === 404;
}

function parseSubscription(json: unknown): GraphSubscription {
  if (
    typeof json === 'object' &&
    json !== null &&
    'id' in json &&
    typeof json.id === 'string' &&
    'expirationDateTime' in json &&
    typeof json.expirationDateTime === 'string'
  ) {
    return { id: json.id, expirationDateTime: json.expirationDateTime };
  }
  throw new GraphError(
    'graph_error',
    'Microsoft Graph answered a subscription request without an id',
  );
}
