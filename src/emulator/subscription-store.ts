import { randomUUID } from 'node:crypto';

/**
 * One Graph change-notification subscription as the emulator keeps it
 * (api-reference/v1.0/resources/subscription.md). Times are emulator-clock milliseconds.
 */
export interface EmulatedSubscription {
  id: string;
  /** The tenant whose users it watches. */
  tenantId: string;
  /** The app that created it (`applicationId` in Graph's answer). */
  applicationId: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expiresAt: number;
  /**
   * After a `reauthorizationRequired` event Graph holds change notifications back until the
   * app renews (PATCH) or reauthorizes the subscription (concepts/change-notifications-lifecycle-events.md).
   */
  needsReauthorization: boolean;
}

/**
 * The longest life Graph gives a subscription on `users`: 41,760 minutes, under 29 days
 * (resources/subscription.md, "Maximum length of subscription per resource type").
 */
export const USER_SUBSCRIPTION_MAX_MINUTES = 41_760;

/** Change types Graph accepts on `users` (resources/subscription.md: `updated`, `deleted`). */
export const USER_CHANGE_TYPES: ReadonlySet<string> = new Set(['updated', 'deleted']);

/** Every subscription of one emulator, across tenants. Expired ones vanish on access. */
export class SubscriptionStore {
  private readonly byId = new Map<string, EmulatedSubscription>();

  constructor(private readonly now: () => number) {}

  add(sub: Omit<EmulatedSubscription, 'id' | 'needsReauthorization'>): EmulatedSubscription {
    const created: EmulatedSubscription = { ...sub, id: randomUUID(), needsReauthorization: false };
    this.byId.set(created.id, created);
    return created;
  }

  /** The live subscription, or undefined (unknown, deleted, or expired: Graph deletes those). */
  get(id: string): EmulatedSubscription | undefined {
    const sub = this.byId.get(id.toLowerCase());
    if (!sub) return undefined;
    if (sub.expiresAt <= this.now()) {
      this.byId.delete(sub.id);
      return undefined;
    }
    return sub;
  }

  delete(id: string): boolean {
    return this.byId.delete(id.toLowerCase());
  }

  /** Live subscriptions of one tenant (and app, when given), oldest first. */
  list(tenantId?: string, applicationId?: string): EmulatedSubscription[] {
    const out: EmulatedSubscription[] = [];
    for (const sub of [...this.byId.values()]) {
      if (!this.get(sub.id)) continue;
      if (tenantId !== undefined && sub.tenantId !== tenantId) continue;
      if (applicationId !== undefined && sub.applicationId !== applicationId) continue;
      out.push(sub);
    }
    return out;
  }
}

/** A subscription in Graph's JSON shape (clientState is echoed, as Graph does to its owner). */
export function subscriptionJson(sub: EmulatedSubscription, origin: string): unknown {
  return {
    '@odata.context': `${origin}/v1.0/$metadata#subscriptions/$entity`,
    id: sub.id,
    resource: sub.resource,
    applicationId: sub.applicationId,
    changeType: sub.changeType,
    clientState: sub.clientState,
    notificationUrl: sub.notificationUrl,
    lifecycleNotificationUrl: sub.lifecycleNotificationUrl,
    expirationDateTime: new Date(sub.expiresAt).toISOString(),
    creatorId: sub.applicationId,
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}
