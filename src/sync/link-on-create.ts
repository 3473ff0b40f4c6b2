import type { Db } from '../db/schema.ts';
import { findIntegrationRow } from '../integrations/repository.ts';
import type { DirectoryHooks } from '../directory/hooks.ts';
import { findClaimableByEmail, findMirrorRow, markForReconcile } from './mirror/mirror-repo.ts';
import { loadConfig } from './reconcile/config.ts';
import { reconcileRows } from './reconcile/reconcile.ts';
import { discardSink } from './reconcile/run-sink.ts';

/**
 * SPEC §4.2: a platform user created (or given an email) matching an Entra user the service
 * already mirrors, and that no platform user is linked to yet, is linked to it at once: the
 * same reconcile as a run, for that one mirror row. Unknown emails are left alone: the next
 * run links them when Entra reports the user.
 */
export async function linkKnownEntraUser(
  db: Db,
  user: { id: string; orgId: string; email: string },
  now: Date,
): Promise<boolean> {
  const known = await findClaimableByEmail(db, user.orgId, user.email.toLowerCase());
  for (const k of known) {
    const integration = await findIntegrationRow(db, k.integration_id);
    const row = await findMirrorRow(db, k.integration_id, k.external_id);
    if (!integration || !row) continue;
    const plans = await reconcileRows(
      db,
      {
        orgId: user.orgId,
        integrationId: integration.id,
        config: await loadConfig(db, integration),
        change: { kind: 'none' },
        now,
        retentionDays: 0,
        deletionThreshold: null,
      },
      [row],
      discardSink,
    );
    if (plans.some((p) => p.kind === 'change' && p.link)) return true;
  }
  return false;
}

/**
 * A platform change to one linked user (reactivated by an administrator, a manual membership
 * changed) asks the next run to reconcile that user again; an unlinked user whose email
 * changed may now match a known Entra user.
 */
export async function userChanged(
  db: Db,
  user: { id: string; orgId: string },
  now: Date,
): Promise<void> {
  const row = await db
    .selectFrom('users')
    .select(['email', 'source_integration_id', 'source_external_id'])
    .where('id', '=', user.id)
    .executeTakeFirst();
  if (!row) return;
  if (row.source_integration_id && row.source_external_id) {
    await markForReconcile(db, row.source_integration_id, [row.source_external_id]);
  } else {
    await linkKnownEntraUser(db, { id: user.id, orgId: user.orgId, email: row.email }, now);
  }
}

/** What the directory asks of the sync: a reconcile at once after a configuration change. */
export interface ConfigChangeListener {
  reconcileSettings(orgId: string): Promise<void>;
}

/** The directory hooks that plug the sync into platform changes. */
export function syncDirectoryHooks(
  clock: { now(): Date },
  listener?: ConfigChangeListener,
): DirectoryHooks {
  return {
    afterUserCreated: async (db, user) => {
      await linkKnownEntraUser(db, user, clock.now());
    },
    afterUserChanged: async (db, user) => {
      await userChanged(db, user, clock.now());
    },
    ...(listener
      ? { afterConfigChanged: (orgId: string) => listener.reconcileSettings(orgId) }
      : {}),
  };
}
