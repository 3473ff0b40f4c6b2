import { randomBytes } from 'node:crypto';
import type { EmulatedSubscription } from './subscription-store.ts';

/** Graph's limit for the validation answer (concepts/change-notifications-delivery-webhooks.md). */
export const VALIDATION_TIMEOUT_MS = 10_000;
/** Graph publishes notifications with a 3-second HTTP timeout (same page, "Throttling"). */
export const DELIVERY_TIMEOUT_MS = 3_000;
/** Notifications gathered into one POST; Graph batches several into one `value` array. */
const BATCH_MAX = 100;
/** How long changes gather before a POST leaves. */
const BATCH_WINDOW_MS = 50;
/**
 * Graph retries a failed delivery for up to 4 hours; the emulator retries a few times within
 * seconds, then drops the batch (counted), so tests of "notifications failing" stay quick.
 */
const RETRY_DELAYS_MS = [500, 1000, 2000];

/** The lifecycle events of concepts/change-notifications-lifecycle-events.md. */
export type LifecycleEvent = 'subscriptionRemoved' | 'reauthorizationRequired' | 'missed';

/** What the emulator has sent, for assertions and the control API. */
export interface DeliveryStats {
  /** Change notifications accepted by a notificationUrl (2xx). */
  delivered: number;
  /** Change notifications given up after the retries. */
  dropped: number;
  /** POST requests made to notification URLs (batches, retries included). */
  posts: number;
  /** Lifecycle notifications accepted. */
  lifecycle: number;
}

interface Pending {
  sub: EmulatedSubscription;
  items: unknown[];
}

/**
 * Sends change and lifecycle notifications over HTTP(S) as Graph does: JSON
 * `{value:[…]}` POSTs, batched, with a short timeout and retries, and the validation
 * handshake when a subscription is created.
 */
export class NotificationDelivery {
  readonly stats: DeliveryStats = { delivered: 0, dropped: 0, posts: 0, lifecycle: 0 };
  /** Off: changes are dropped (counted) instead of sent, like an unreachable endpoint. */
  enabled = true;
  private readonly pending = new Map<string, Pending>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private flushTimer: NodeJS.Timeout | undefined;
  private closed = false;

  /** Queues one change notification for `sub`; POSTs leave in batches. */
  notify(sub: EmulatedSubscription, changeType: 'updated' | 'deleted', userId: string): void {
    if (this.closed) return;
    if (!this.enabled || sub.needsReauthorization) {
      this.stats.dropped += 1;
      return;
    }
    const entry = this.pending.get(sub.id) ?? { sub, items: [] };
    entry.sub = sub;
    entry.items.push({
      id: randomBytes(8).toString('hex'),
      subscriptionId: sub.id,
      subscriptionExpirationDateTime: new Date(sub.expiresAt).toISOString(),
      clientState: sub.clientState,
      changeType,
      resource: `Users/${userId}`,
      tenantId: sub.tenantId,
      resourceData: {
        '@odata.type': '#Microsoft.Graph.User',
        '@odata.id': `Users/${userId}`,
        id: userId,
        organizationId: sub.tenantId,
      },
    });
    this.pending.set(sub.id, entry);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), BATCH_WINDOW_MS);
      this.flushTimer.unref();
    }
  }

  /** Sends a lifecycle notification to the subscription's lifecycleNotificationUrl. */
  async lifecycle(sub: EmulatedSubscription, event: LifecycleEvent): Promise<boolean> {
    if (!sub.lifecycleNotificationUrl) return false;
    const body = {
      value: [
        {
          subscriptionId: sub.id,
          subscriptionExpirationDateTime: new Date(sub.expiresAt).toISOString(),
          tenantId: sub.tenantId,
          clientState: sub.clientState,
          lifecycleEvent: event,
          resource: sub.resource,
          organizationId: sub.tenantId,
        },
      ],
    };
    const ok = await this.post(sub.lifecycleNotificationUrl, body);
    if (ok) this.stats.lifecycle += 1;
    return ok;
  }

  /**
   * The validation handshake: POST `?validationToken=…` (text/plain, empty body); the
   * endpoint must answer 200 with the token as text/plain within 10 seconds. Returns null
   * when it did, or why not.
   */
  async validate(url: string): Promise<string | null> {
    const token = `Validation: ${randomBytes(12).toString('base64url')}`;
    const target = new URL(url);
    target.searchParams.set('validationToken', token);
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: '',
        signal: AbortSignal.timeout(VALIDATION_TIMEOUT_MS),
      });
      const text = await res.text();
      if (res.status !== 200) return `answered ${res.status}`;
      if (!/^text\/plain/i.test(res.headers.get('content-type') ?? '')) {
        return 'answered without Content-Type text/plain';
      }
      if (text !== token) return 'did not echo the validationToken';
      return null;
    } catch (err) {
      return `did not answer within ${VALIDATION_TIMEOUT_MS / 1000} seconds (${errorText(err)})`;
    }
  }

  /** Stops sending; pending batches and retries are dropped. */
  close(): void {
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
  }

  private flush(): void {
    this.flushTimer = undefined;
    const batches = [...this.pending.values()];
    this.pending.clear();
    for (const { sub, items } of batches) {
      for (let i = 0; i < items.length; i += BATCH_MAX) {
        void this.deliver(sub.notificationUrl, items.slice(i, i + BATCH_MAX), 0);
      }
    }
  }

  private async deliver(url: string, items: unknown[], attempt: number): Promise<void> {
    if (this.closed) return;
    if (await this.post(url, { value: items })) {
      this.stats.delivered += items.length;
      return;
    }
    const delay = RETRY_DELAYS_MS[attempt];
    if (delay === undefined || this.closed) {
      this.stats.dropped += items.length;
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(url, items, attempt + 1);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private async post(url: string, body: unknown): Promise<boolean> {
    if (this.closed) return false;
    this.stats.posts += 1;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await res.arrayBuffer();
      return res.status >= 200 && res.status < 300;
    } catch {
      return false;
    }
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : err.message;
  }
  return String(err);
}
