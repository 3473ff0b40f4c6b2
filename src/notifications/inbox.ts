/**
 * What the service does with a POST from Graph to its notification or lifecycle URL
 * (concepts/change-notifications-delivery-webhooks.md, "Processing the change notification";
 * concepts/change-notifications-lifecycle-events.md). Nothing in a notification is trusted
 * beyond "something changed for this subscription": the run reads Graph itself.
 */
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/schema.ts';
import type { SecretBox } from '../integrations/secret-box.ts';
import type { Logger } from '../log.ts';
import { sameClientState } from './client-state.ts';
import { findBySubscriptionId, requestRunBy, setPendingAction } from './subscriptions-repo.ts';

/** At most this many entries in one POST are looked at (Graph batches, but not thousands). */
export const MAX_ENTRIES = 1000;

const entrySchema = z.object({
  subscriptionId: z.string().min(1).max(200),
  clientState: z.string().max(1024).nullable().optional(),
  lifecycleEvent: z.string().max(100).optional(),
});
const envelopeSchema = z.object({ value: z.array(z.unknown()).max(MAX_ENTRIES) });

/** The lifecycle events of concepts/change-notifications-lifecycle-events.md. */
const LIFECYCLE_EVENTS: ReadonlySet<string> = new Set([
  'missed',
  'subscriptionRemoved',
  'reauthorizationRequired',
]);

export type NotificationKind = 'change' | 'lifecycle';

/** What one POST did: entries acted on, entries refused (unknown subscription, clientState). */
export interface InboxResult {
  accepted: number;
  refused: number;
  /** Lifecycle events acted on, by name. */
  events: string[];
}

export interface InboxDeps {
  db: Kysely<Database>;
  secretBox: SecretBox;
  clock: Clock;
  log: Logger;
  /** Quiet time after the first notification of a burst before the run (default 10 s). */
  debounceMs: number;
  /** Asks the manager for a pass soon (a lifecycle event wants action). */
  wake?: () => void;
}

/** Thrown for a body that is not Graph's `{value:[…]}` shape. */
export class MalformedNotificationError extends Error {}

/**
 * Checks every entry (known subscription id, matching clientState, compared in constant
 * time) and records what it asks for: a debounced run (change), a run at once (`missed`),
 * a re-creation (`subscriptionRemoved`) or a renewal (`reauthorizationRequired`).
 */
export async function receiveNotifications(
  deps: InboxDeps,
  kind: NotificationKind,
  body: unknown,
): Promise<InboxResult> {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) throw new MalformedNotificationError('expected {"value":[…]}');
  const result: InboxResult = { accepted: 0, refused: 0, events: [] };
  const verified = new Map<string, string>();
  // One write per integration and POST, however many entries Graph batched into it.
  const runDelay = new Map<string, number>();
  const askRun = (integrationId: string, delayMs: number): void => {
    runDelay.set(integrationId, Math.min(runDelay.get(integrationId) ?? delayMs, delayMs));
  };
  for (const raw of envelope.data.value) {
    const entry = entrySchema.safeParse(raw);
    if (!entry.success) {
      result.refused += 1;
      continue;
    }
    const { subscriptionId, clientState } = entry.data;
    const integrationId = await verify(deps, subscriptionId, clientState ?? null, verified);
    if (integrationId === null) {
      result.refused += 1;
      continue;
    }
    result.accepted += 1;
    if (kind === 'change') {
      askRun(integrationId, deps.debounceMs);
      continue;
    }
    const event = entry.data.lifecycleEvent ?? '';
    if (LIFECYCLE_EVENTS.has(event)) result.events.push(event);
    const nowIso = deps.clock.now().toISOString();
    if (event === 'missed') {
      // Some notifications were lost: catch up with a run now.
      askRun(integrationId, 0);
    } else if (event === 'subscriptionRemoved') {
      await setPendingAction(deps.db, integrationId, 'recreate', nowIso);
      // Changes made while we had no subscription would otherwise wait for the hourly run.
      askRun(integrationId, 0);
      deps.wake?.();
    } else if (event === 'reauthorizationRequired') {
      await setPendingAction(deps.db, integrationId, 'renew', nowIso);
      deps.wake?.();
    } else {
      deps.log.info({ integrationId, event }, 'ignoring an unknown Graph lifecycle event');
    }
  }
  const now = deps.clock.now().getTime();
  for (const [integrationId, delayMs] of runDelay) {
    await requestRun(deps, integrationId, now, delayMs);
  }
  if (result.refused > 0) {
    deps.log.warn(
      { kind, refused: result.refused, accepted: result.accepted },
      'refused Graph notifications: unknown subscription or wrong clientState',
    );
  }
  return result;
}

/**
 * Asks for a run at `now + debounceMs`, or keeps the earlier one pending (the repository
 * takes the minimum): a burst of notifications yields one run after the first debounce.
 */
async function requestRun(
  deps: InboxDeps,
  integrationId: string,
  now: number,
  debounceMs: number,
): Promise<void> {
  const due = new Date(now + debounceMs).toISOString();
  await requestRunBy(deps.db, integrationId, due, new Date(now).toISOString());
}

/** The integration id when the subscription is ours and the clientState matches, else null. */
async function verify(
  deps: InboxDeps,
  subscriptionId: string,
  clientState: string | null,
  verified: Map<string, string>,
): Promise<string | null> {
  if (clientState === null) return null;
  const cacheKey = `${subscriptionId}\0${clientState}`;
  const known = verified.get(cacheKey);
  if (known !== undefined) return known;
  const row = await findBySubscriptionId(deps.db, subscriptionId);
  if (!row?.clientStateCiphertext) return null;
  let stored: string;
  try {
    stored = deps.secretBox.open(row.clientStateCiphertext, row.integrationId);
  } catch {
    return null;
  }
  if (!sameClientState(clientState, stored)) return null;
  verified.set(cacheKey, row.integrationId);
  return row.integrationId;
}
