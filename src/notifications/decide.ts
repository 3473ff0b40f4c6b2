/**
 * Pure decisions of near-real-time updates (issue 16): what to do with an integration's Graph
 * subscription now, how long to wait after a failure, and how the state reads on the page.
 * No I/O here: the manager (manager.ts) acts on these answers.
 */
import type { NearRealTimeStatus } from '../integrations/view.ts';
import { USER_SUBSCRIPTION_MAX_MINUTES } from '../graph/subscriptions.ts';

/** What the service stored about one subscription (subscriptions-repo.ts). */
export interface SubscriptionRecord {
  integrationId: string;
  subscriptionId: string | null;
  notificationUrl: string | null;
  ownerKey: string | null;
  state: 'pending' | 'active' | 'failing';
  expiresAt: string | null;
  /** `recreate` after subscriptionRemoved, `renew` after reauthorizationRequired. */
  pendingAction: 'recreate' | 'renew' | null;
  retryAt: string | null;
  failures: number;
  lastError: string | null;
  runDueAt: string | null;
  lastNotificationAt: string | null;
  updatedAt: string;
}

/** Where Graph should call us and for which tenant/app, when near-real-time is wanted. */
export interface WantedSubscription {
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  ownerKey: string;
}

export type SubscriptionAction =
  | { kind: 'none' }
  /** Create one; `replace` is an older subscription of ours to delete first (best effort). */
  | { kind: 'create'; replace: string | null }
  | { kind: 'renew'; subscriptionId: string }
  /** Stop: delete the subscription at Graph (when there is one) and forget the row. */
  | { kind: 'delete'; subscriptionId: string | null };

/**
 * Lifetime asked for: Graph's maximum for users (41,760 minutes) less 10 minutes, so clock
 * skew between us and Graph never makes a request exceed the limit.
 */
export const SUBSCRIPTION_LIFETIME_MS = (USER_SUBSCRIPTION_MAX_MINUTES - 10) * 60_000;
/** Renew when less than this is left: a day leaves room for many retries. */
export const RENEW_BEFORE_MS = 24 * 3_600_000;

/** The action for one integration now. `wanted` null: near-real-time is not wanted. */
export function decideSubscription(
  row: SubscriptionRecord | undefined,
  wanted: WantedSubscription | null,
  now: number,
  renewBeforeMs: number = RENEW_BEFORE_MS,
): SubscriptionAction {
  if (wanted === null) {
    return row ? { kind: 'delete', subscriptionId: row.subscriptionId } : { kind: 'none' };
  }
  if (!row) return { kind: 'create', replace: null };
  // A failure's back-off, or another process working on it right now (its lease).
  if (row.retryAt !== null && Date.parse(row.retryAt) > now) return { kind: 'none' };
  if (row.subscriptionId === null || row.pendingAction === 'recreate') {
    return { kind: 'create', replace: null };
  }
  if (row.notificationUrl !== wanted.notificationUrl || row.ownerKey !== wanted.ownerKey) {
    return { kind: 'create', replace: row.subscriptionId };
  }
  if (row.pendingAction === 'renew') return { kind: 'renew', subscriptionId: row.subscriptionId };
  if (row.expiresAt === null || Date.parse(row.expiresAt) - now <= renewBeforeMs) {
    return { kind: 'renew', subscriptionId: row.subscriptionId };
  }
  return { kind: 'none' };
}

/** Wait before the next attempt after `failures` failures in a row: 30 s doubling, at most 1 h. */
export function retryDelayMs(failures: number, baseMs = 30_000): number {
  return Math.min(3_600_000, baseMs * 2 ** Math.max(0, Math.min(failures - 1, 16)));
}

/** Inputs of {@link nearRealTimeStatus}. */
export interface StatusInput {
  /** The setting. */
  nearRealTime: boolean;
  enabled: boolean;
  /** A public https URL (or the demo/test override) is configured. */
  available: boolean;
  row: SubscriptionRecord | undefined;
  renewBeforeMs?: number;
}

/** How near-real-time reads on the integration page and in the API. */
export function nearRealTimeStatus(input: StatusInput): NearRealTimeStatus {
  const base = { expiresAt: null, renewsAt: null, lastNotificationAt: null };
  const fallback = 'the scheduled run picks up changes meanwhile';
  if (!input.nearRealTime || !input.enabled) {
    return {
      ...base,
      state: 'off',
      message: input.nearRealTime
        ? 'Off while the integration is disabled'
        : 'Off: changes arrive with the scheduled run',
    };
  }
  if (!input.available) {
    return {
      ...base,
      state: 'unavailable',
      message: `Not available: the service needs a public https URL (PUBLIC_URL) that Microsoft Graph can reach; ${fallback}`,
    };
  }
  const row = input.row;
  const last = row?.lastNotificationAt ?? null;
  if (
    !row ||
    (row.state !== 'failing' && (row.subscriptionId === null || row.expiresAt === null))
  ) {
    return {
      ...base,
      lastNotificationAt: last,
      state: 'pending',
      message: 'Setting up the Graph subscription',
    };
  }
  if (row.state === 'failing') {
    return {
      ...base,
      expiresAt: row.expiresAt,
      lastNotificationAt: last,
      state: 'failing',
      message: `Not active: ${row.lastError ?? 'the last attempt failed'}. Retrying; ${fallback}`,
    };
  }
  const expiresAt = row.expiresAt as string;
  const renewsAt = new Date(
    Date.parse(expiresAt) - (input.renewBeforeMs ?? RENEW_BEFORE_MS),
  ).toISOString();
  return {
    expiresAt,
    renewsAt,
    lastNotificationAt: last,
    state: 'active',
    message: 'Active: Microsoft Graph notifies changes within seconds',
  };
}
