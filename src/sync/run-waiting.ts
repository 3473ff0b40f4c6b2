import type { RunWaitingReason } from '../db/schema.ts';
import type { GraphEvent } from '../graph/types.ts';

/**
 * Pure: the wait a Graph event announces, when it is one the administrator should see (a 429
 * honouring Retry-After, or Microsoft unavailable: 503/504). Network hiccups retry within a
 * second or so and are not worth a hint.
 */
export function waitingOf(e: GraphEvent): { reason: RunWaitingReason; waitMs: number } | null {
  if (e.waitMs === undefined) return null;
  if (e.type === 'throttled' && e.status === 429) return { reason: 'throttled', waitMs: e.waitMs };
  if (e.status === 503 || e.status === 504) return { reason: 'unavailable', waitMs: e.waitMs };
  if (e.type === 'throttled') return { reason: 'throttled', waitMs: e.waitMs };
  return null;
}
