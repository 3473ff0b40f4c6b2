import { newId } from '../db/ids.ts';
import { addDays } from '../clock.ts';
import { chunks, inListChunks } from '../db/chunks.ts';
import { insertAll } from '../db/bulk-insert.ts';
import type { Db, DeactivationReason } from '../db/schema.ts';
import type { ChangeDetails } from './change-details.ts';
import { refreshSearchKeys } from '../directory/users.ts';
import { searchKey } from '../directory/search-key.ts';
import type { ManagedMembership, UserPlan } from './plan.ts';

/** Everything apply needs besides the plans: who, when, and how to describe memberships. */
export interface ApplyContext {
  orgId: string;
  integrationId: string;
  now: Date;
  /** Turns a membership into "Unit: Type, Type" for the change log. */
  describe: (m: ManagedMembership | null) => string | null;
}

/** One row of the run's change log, before it is written. */
export interface ChangeRow {
  externalId: string | null;
  userId: string | null;
  action: string;
  subject: string;
  details: ChangeDetails;
}

/**
 * Turns plans into change-log rows. Unchanged users are only counted, not logged: a run over a
 * million unchanged users must not write a million log lines.
 */
export function changeRows(
  plans: readonly UserPlan[],
  ctx: ApplyContext,
  newIds: ReadonlyMap<string, string>,
): ChangeRow[] {
  const rows: ChangeRow[] = [];
  for (const p of plans) {
    switch (p.kind) {
      case 'skip':
        rows.push({
          externalId: p.externalId,
          userId: null,
          action: 'skip',
          subject: p.label,
          details: { reason: p.reason },
        });
        break;
      case 'create':
        rows.push({
          externalId: p.externalId,
          userId: newIds.get(p.externalId) ?? null,
          action: 'create',
          subject: p.label,
          details: {
            after: { ...p.user, membership: ctx.describe(p.membership) },
            ...(p.notes.length ? { notes: p.notes } : {}),
          },
        });
        break;
      case 'change': {
        const action = p.link ?? (p.reactivate ? 'reactivate' : 'update');
        rows.push({
          externalId: p.externalId,
          userId: p.userId,
          action,
          subject: p.label,
          details: {
            changes: [
              ...p.fields,
              ...(p.membership
                ? [
                    {
                      field: 'membership' as const,
                      before: ctx.describe(p.membership.before),
                      after: ctx.describe(p.membership.after),
                    },
                  ]
                : []),
            ],
            ...(p.link && p.reactivate ? { reactivated: true } : {}),
            ...(p.warnings.length ? { warnings: p.warnings } : {}),
            ...(p.notes.length ? { notes: p.notes } : {}),
          },
        });
        break;
      }
      case 'unchanged':
      case 'exclude':
      case 'gone':
        break;
    }
  }
  return rows;
}

/**
 * Applies one batch of plans to the directory. The caller owns the transaction, so a batch is
 * applied entirely or not at all; applying the same batch again finds nothing to do.
 * Returns the ids given to created users, by Entra object id. The change log is the caller's.
 */
export async function applyPlans(
  db: Db,
  plans: readonly UserPlan[],
  ctx: ApplyContext,
): Promise<Map<string, string>> {
  const now = ctx.now.toISOString();
  const newIds = new Map<string, string>();
  const creates = plans.filter((p) => p.kind === 'create');
  if (creates.length) {
    const users = creates.map((p) => {
      const id = newId();
      newIds.set(p.externalId, id);
      return {
        id,
        org_id: ctx.orgId,
        first_name: p.user.firstName,
        last_name: p.user.lastName,
        email: p.user.email,
        status: 'active' as const,
        deactivated_at: null,
        deactivation_reason: null,
        purge_after: null,
        source_integration_id: ctx.integrationId,
        source_external_id: p.externalId,
        assigned: p.membership ? 1 : 0,
        search_key: searchKey(p.user.firstName, p.user.lastName, p.user.email),
        created_at: now,
        updated_at: now,
      };
    });
    await insertAll(db, 'users', users, USER_COLUMN_TYPES);
    await insertMemberships(
      db,
      creates.flatMap((p) =>
        p.membership ? [{ userId: newIds.get(p.externalId) ?? '', m: p.membership }] : [],
      ),
      ctx.integrationId,
      now,
    );
  }

  // Emails that change hands within the batch (a hand-over, a swap) are parked first, so the
  // organisation's unique email index never sees two users with one address.
  for (const p of plans) {
    if (p.kind === 'change' && p.releaseFrom) {
      // `.invalid` is reserved (RFC 2606): never delivered, never a real user's address.
      await db
        .updateTable('users')
        .set({ email: `released-${p.releaseFrom}@address.invalid`, updated_at: now })
        .where('id', '=', p.releaseFrom)
        .where('status', '=', 'deactivated')
        .execute();
    }
    if (p.kind === 'change' && p.fields.some((f) => f.field === 'email')) {
      await db
        .updateTable('users')
        .set({ email: `moving:${p.userId}` })
        .where('id', '=', p.userId)
        .execute();
    }
  }
  const moved: { userId: string; m: ManagedMembership }[] = [];
  const clearManaged: string[] = [];
  // Users whose row changes only in `assigned` (a membership moved, nothing else): one
  // statement per value for the whole batch instead of one per user.
  const onlyAssigned: Record<0 | 1, string[]> = { 0: [], 1: [] };
  for (const p of plans) {
    if (p.kind !== 'change' && p.kind !== 'unchanged') continue;
    if (p.kind === 'unchanged') continue;
    const set: Record<string, unknown> = { updated_at: now, assigned: p.assigned ? 1 : 0 };
    for (const f of p.fields) {
      if (f.field === 'firstName') set.first_name = f.after;
      if (f.field === 'lastName') set.last_name = f.after;
      if (f.field === 'email') set.email = f.after;
    }
    if (p.link) {
      set.source_integration_id = ctx.integrationId;
      set.source_external_id = p.externalId;
    }
    if (p.reactivate) {
      set.status = 'active';
      set.deactivated_at = null;
      set.deactivation_reason = null;
      set.purge_after = null;
    }
    if (p.membership) {
      clearManaged.push(p.userId);
      if (p.membership.after) moved.push({ userId: p.userId, m: p.membership.after });
    }
    if (!p.fields.length && !p.link && !p.reactivate) {
      onlyAssigned[p.assigned ? 1 : 0].push(p.userId);
      continue;
    }
    await db.updateTable('users').set(set).where('id', '=', p.userId).execute();
  }
  for (const assigned of [0, 1] as const) {
    for (const ids of inListChunks(db, onlyAssigned[assigned], 500)) {
      await db
        .updateTable('users')
        .set({ updated_at: now, assigned })
        .where('id', 'in', ids)
        .execute();
    }
  }
  // Names or email changed: the users list finds them by the new values.
  await refreshSearchKeys(
    db,
    plans.flatMap((p) => (p.kind === 'change' && p.fields.length > 0 ? [p.userId] : [])),
  );
  for (const ids of chunks(clearManaged, 500)) {
    await db
      .deleteFrom('memberships')
      .where('user_id', 'in', ids)
      .where('managed_by', '=', ctx.integrationId)
      .execute();
  }
  await insertMemberships(db, moved, ctx.integrationId, now);
  return newIds;
}

async function insertMemberships(
  db: Db,
  items: readonly { userId: string; m: ManagedMembership }[],
  integrationId: string,
  now: string,
): Promise<void> {
  if (!items.length) return;
  const rows = items.map((x) => ({
    id: newId(),
    user_id: x.userId,
    unit_id: x.m.unitId,
    managed_by: integrationId,
    created_at: now,
  }));
  await insertAll(db, 'memberships', rows, MEMBERSHIP_COLUMN_TYPES);
  const types = items.flatMap((x, i) =>
    x.m.userTypeIds.map((t) => ({ membership_id: rows[i]?.id ?? '', user_type_id: t })),
  );
  await insertAll(db, 'membership_user_types', types, MEMBERSHIP_TYPE_COLUMN_TYPES);
}

export async function insertChangeRows(
  db: Db,
  runId: string,
  rows: readonly ChangeRow[],
  now: string,
): Promise<void> {
  const values = rows.map((r) => ({
    run_id: runId,
    external_id: r.externalId,
    user_id: r.userId,
    action: r.action,
    subject: r.subject.slice(0, 300),
    details: JSON.stringify(r.details),
    created_at: now,
  }));
  await insertAll(db, 'run_changes', values, CHANGE_COLUMN_TYPES);
}

/** The columns of each bulk insert with their PostgreSQL types (db/bulk-insert.ts). */
const USER_COLUMN_TYPES = {
  id: 'text',
  org_id: 'text',
  first_name: 'text',
  last_name: 'text',
  email: 'text',
  status: 'text',
  deactivated_at: 'text',
  deactivation_reason: 'text',
  purge_after: 'text',
  source_integration_id: 'text',
  source_external_id: 'text',
  assigned: 'int',
  search_key: 'text',
  created_at: 'text',
  updated_at: 'text',
} as const;
const MEMBERSHIP_COLUMN_TYPES = {
  id: 'text',
  user_id: 'text',
  unit_id: 'text',
  managed_by: 'text',
  created_at: 'text',
} as const;
const MEMBERSHIP_TYPE_COLUMN_TYPES = { membership_id: 'text', user_type_id: 'text' } as const;
const CHANGE_COLUMN_TYPES = {
  run_id: 'text',
  external_id: 'text',
  user_id: 'text',
  action: 'text',
  subject: 'text',
  details: 'text',
  created_at: 'text',
} as const;

/** Deactivation fields for a user deactivated now (SPEC §4.4). */
export function deactivationSet(reason: DeactivationReason, now: Date, retentionDays: number) {
  return {
    status: 'deactivated' as const,
    deactivated_at: now.toISOString(),
    deactivation_reason: reason,
    purge_after: addDays(now, retentionDays).toISOString(),
    updated_at: now.toISOString(),
  };
}
