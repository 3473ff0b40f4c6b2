/**
 * The only module that reads or writes `graph_subscriptions` (one row per integration with
 * near-real-time updates). Functions take the database first and map rows explicitly.
 */
import { sql, type Selectable, type Updateable } from 'kysely';
import type { Db, GraphSubscriptionsTable } from '../db/schema.ts';
import type { SubscriptionRecord } from './decide.ts';

function toRecord(row: Selectable<GraphSubscriptionsTable>): SubscriptionRecord {
  const action = row.pending_action;
  return {
    integrationId: row.integration_id,
    subscriptionId: row.subscription_id,
    notificationUrl: row.notification_url,
    ownerKey: row.owner_key,
    state: row.state,
    expiresAt: row.expires_at,
    pendingAction: action === 'recreate' || action === 'renew' ? action : null,
    retryAt: row.retry_at,
    failures: row.failures,
    lastError: row.last_error,
    runDueAt: row.run_due_at,
    lastNotificationAt: row.last_notification_at,
    updatedAt: row.updated_at,
  };
}

/** Every subscription row (the manager compares them with the integrations that want one). */
export async function listSubscriptionRecords(db: Db): Promise<SubscriptionRecord[]> {
  const rows = await db.selectFrom('graph_subscriptions').selectAll().execute();
  return rows.map(toRecord);
}

/** The rows of these integrations, by integration id (the integration page). */
export async function findSubscriptionRecords(
  db: Db,
  integrationIds: readonly string[],
): Promise<Map<string, SubscriptionRecord>> {
  if (integrationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('graph_subscriptions')
    .selectAll()
    .where('integration_id', 'in', integrationIds)
    .execute();
  return new Map(rows.map((r) => [r.integration_id, toRecord(r)]));
}

/** What a notification needs to be checked: whose it is and the sealed clientState. */
export interface SubscriptionSecret {
  integrationId: string;
  clientStateCiphertext: string | null;
}

/** The row behind a Graph subscription id, or undefined for an id we do not know. */
export async function findBySubscriptionId(
  db: Db,
  subscriptionId: string,
): Promise<SubscriptionSecret | undefined> {
  const row = await db
    .selectFrom('graph_subscriptions')
    .select(['integration_id', 'client_state_ciphertext'])
    .where('subscription_id', '=', subscriptionId)
    .executeTakeFirst();
  return row
    ? { integrationId: row.integration_id, clientStateCiphertext: row.client_state_ciphertext }
    : undefined;
}

/**
 * Takes the row for one action: inserts it (state `pending`) when missing, else moves
 * `updated_at` and sets a lease in `retry_at` only if nobody changed the row since it was
 * read. False when another process got there first.
 */
export async function claimSubscription(
  db: Db,
  integrationId: string,
  seen: SubscriptionRecord | undefined,
  now: string,
  leaseUntil: string,
): Promise<boolean> {
  if (!seen) {
    const inserted = await db
      .insertInto('graph_subscriptions')
      .values({
        integration_id: integrationId,
        state: 'pending',
        failures: 0,
        retry_at: leaseUntil,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('integration_id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  }
  const updated = await db
    .updateTable('graph_subscriptions')
    .set({ retry_at: leaseUntil, updated_at: now })
    .where('integration_id', '=', integrationId)
    .where('updated_at', '=', seen.updatedAt)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Writes the outcome of an action (columns given only). */
export async function updateSubscription(
  db: Db,
  integrationId: string,
  changes: Updateable<GraphSubscriptionsTable>,
): Promise<void> {
  await db
    .updateTable('graph_subscriptions')
    .set(changes)
    .where('integration_id', '=', integrationId)
    .execute();
}

export async function deleteSubscriptionRecord(db: Db, integrationId: string): Promise<void> {
  await db.deleteFrom('graph_subscriptions').where('integration_id', '=', integrationId).execute();
}

/**
 * A notification asked for a run: `run_due_at` becomes `due` unless an earlier one is
 * pending (coalescing), and the arrival is recorded.
 */
export async function requestRunBy(
  db: Db,
  integrationId: string,
  due: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('graph_subscriptions')
    .set({
      run_due_at: sql<string>`case when run_due_at is not null and run_due_at <= ${due} then run_due_at else ${due} end`,
      last_notification_at: now,
    })
    .where('integration_id', '=', integrationId)
    .execute();
}

/** Asks again for a run at `due` (the run in progress may have read past the changes). */
export async function deferRun(db: Db, integrationId: string, due: string): Promise<void> {
  await db
    .updateTable('graph_subscriptions')
    .set({
      run_due_at: sql<string>`case when run_due_at is not null and run_due_at <= ${due} then run_due_at else ${due} end`,
    })
    .where('integration_id', '=', integrationId)
    .execute();
}

/** A lifecycle event asks the manager to act (`recreate` or `renew`) on its next pass. */
export async function setPendingAction(
  db: Db,
  integrationId: string,
  action: 'recreate' | 'renew',
  now: string,
): Promise<void> {
  await db
    .updateTable('graph_subscriptions')
    .set({ pending_action: action, retry_at: null, updated_at: now, last_notification_at: now })
    .where('integration_id', '=', integrationId)
    .execute();
}

/** Integrations whose debounced run is due. */
export async function findDueRuns(
  db: Db,
  now: string,
  limit = 100,
): Promise<{ integrationId: string; runDueAt: string }[]> {
  const rows = await db
    .selectFrom('graph_subscriptions')
    .select(['integration_id', 'run_due_at'])
    .where('run_due_at', 'is not', null)
    .where('run_due_at', '<=', now)
    .orderBy('run_due_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ integrationId: r.integration_id, runDueAt: r.run_due_at as string }));
}

/**
 * Takes a due run request: clears `run_due_at` only if it still holds `dueAt`, so of
 * several processes exactly one requests the run. A notification arriving meanwhile sets a
 * new due time and is not lost.
 */
export async function claimDueRun(db: Db, integrationId: string, dueAt: string): Promise<boolean> {
  const res = await db
    .updateTable('graph_subscriptions')
    .set({ run_due_at: null })
    .where('integration_id', '=', integrationId)
    .where('run_due_at', '=', dueAt)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Counts of rows by state, for /metrics. */
export async function countSubscriptionsByState(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('graph_subscriptions')
    .select(['state', db.fn.countAll<number>().as('n')])
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}
