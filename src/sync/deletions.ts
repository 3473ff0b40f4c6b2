import { sql } from 'kysely';
import type { Db, DeactivationReason, SeenExclusion } from '../db/schema.ts';
import { deactivationSet, insertChangeRows, type ChangeRow } from './apply.ts';

/** A linked platform user whose Entra user is gone or out of scope at the end of a round. */
export interface DeactivationCandidate {
  userId: string;
  externalId: string;
  subject: string;
  reason: DeactivationReason;
  why: string;
}

export interface RoundScope {
  runId: string;
  integrationId: string;
  /** Full rounds also deactivate linked users the round never saw. */
  full: boolean;
}

const WHY: Record<SeenExclusion, string> = {
  'removed-changed': 'deleted in Entra (restorable from deleted items)',
  'removed-deleted': 'permanently deleted in Entra',
  guest: 'guest account, and "Include guests" is off',
  disabled: 'account disabled in Entra',
};

function reasonOf(exclusion: SeenExclusion | null): DeactivationReason {
  return exclusion === 'disabled' ? 'source-disabled' : 'source-deleted';
}

/**
 * One page (by user id) of deactivation candidates, so a round never holds them all in
 * memory. Incremental rounds start from the few entries the run saw; full rounds also scan
 * the integration's linked users for those the round did not see.
 */
export async function candidatesPage(
  db: Db,
  scope: RoundScope,
  afterUserId: string,
  limit: number,
): Promise<DeactivationCandidate[]> {
  const excluded = await db
    .selectFrom('run_seen as rs')
    .innerJoin('users as u', (j) =>
      j
        .on('u.source_integration_id', '=', scope.integrationId)
        .onRef('u.source_external_id', '=', 'rs.external_id'),
    )
    .select([
      'u.id',
      'u.source_external_id',
      'u.first_name',
      'u.last_name',
      'u.email',
      'rs.exclusion',
    ])
    .where('rs.run_id', '=', scope.runId)
    .where('rs.exclusion', 'is not', null)
    .where('u.status', '=', 'active')
    .where('u.id', '>', afterUserId)
    .orderBy('u.id')
    .limit(limit)
    .execute();
  const out: DeactivationCandidate[] = excluded.map((r) => ({
    userId: r.id,
    externalId: r.source_external_id ?? '',
    subject: `${r.first_name} ${r.last_name} <${r.email}>`,
    reason: reasonOf(r.exclusion),
    why: r.exclusion ? WHY[r.exclusion] : 'gone from Entra',
  }));
  if (scope.full) {
    const unseen = await db
      .selectFrom('users as u')
      .select(['u.id', 'u.source_external_id', 'u.first_name', 'u.last_name', 'u.email'])
      .where('u.source_integration_id', '=', scope.integrationId)
      .where('u.status', '=', 'active')
      .where('u.id', '>', afterUserId)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('run_seen as rs')
              .select(sql`1`.as('one'))
              .where('rs.run_id', '=', scope.runId)
              .whereRef('rs.external_id', '=', 'u.source_external_id'),
          ),
        ),
      )
      .orderBy('u.id')
      .limit(limit)
      .execute();
    for (const r of unseen) {
      out.push({
        userId: r.id,
        externalId: r.source_external_id ?? '',
        subject: `${r.first_name} ${r.last_name} <${r.email}>`,
        reason: 'source-deleted',
        why: 'no longer in Entra (not seen by a full synchronisation)',
      });
    }
    out.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  }
  return out.slice(0, limit);
}

/** Walks every candidate in id order, a page at a time. */
export async function* allCandidates(
  db: Db,
  scope: RoundScope,
  pageSize = 1000,
): AsyncGenerator<DeactivationCandidate[]> {
  let after = '';
  for (;;) {
    const page = await candidatesPage(db, scope, after, pageSize);
    if (!page.length) return;
    yield page;
    after = page[page.length - 1]?.userId ?? after;
  }
}

/** Deactivates the candidates and logs each one; users no longer active are left alone. */
export async function deactivate(
  db: Db,
  runId: string,
  candidates: readonly DeactivationCandidate[],
  now: Date,
  retentionDays: number,
): Promise<number> {
  const rows: ChangeRow[] = [];
  for (const c of candidates) {
    const res = await db
      .updateTable('users')
      .set(deactivationSet(c.reason, now, retentionDays))
      .where('id', '=', c.userId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) continue;
    rows.push({
      externalId: c.externalId,
      userId: c.userId,
      action: 'deactivate',
      subject: c.subject,
      details: { reason: c.why, deactivationReason: c.reason },
    });
  }
  await insertChangeRows(db, runId, rows, now.toISOString());
  return rows.length;
}

/** Records candidates the deletion guard holds back, to be applied on approval. */
export async function recordHeld(
  db: Db,
  runId: string,
  candidates: readonly DeactivationCandidate[],
  now: string,
): Promise<void> {
  await insertChangeRows(
    db,
    runId,
    candidates.map((c) => ({
      externalId: c.externalId,
      userId: c.userId,
      action: 'held',
      subject: c.subject,
      details: { reason: c.why, deactivationReason: c.reason },
    })),
    now,
  );
}
