import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * Near-real-time updates (issue 16).
 * - `integrations.near_real_time` (0/1, default 0): the administrator's setting.
 * - `graph_subscriptions`: the integration's Graph change-notification subscription, its
 *   sealed clientState, expiry, pending lifecycle action and the debounced run request;
 *   owned by notifications/subscriptions-repo.ts. Goes with its integration.
 */
export function graphSubscriptions() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('integrations')
        .addColumn('near_real_time', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('graph_subscriptions')
        .addColumn('integration_id', 'text', (c) =>
          c.primaryKey().references('integrations.id').onDelete('cascade'),
        )
        .addColumn('subscription_id', 'text')
        .addColumn('client_state_ciphertext', 'text')
        .addColumn('notification_url', 'text')
        .addColumn('owner_key', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('pending_action', 'text')
        .addColumn('retry_at', 'text')
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('run_due_at', 'text')
        .addColumn('last_notification_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('graph_subscriptions_subscription_id')
        .on('graph_subscriptions')
        .column('subscription_id')
        .unique()
        .execute();
      await db.schema
        .createIndex('graph_subscriptions_run_due')
        .on('graph_subscriptions')
        .column('run_due_at')
        .execute();
    },
  };
}
