import type { Db } from '../db/schema.ts';

/** One line of a run's per-user change log, as the API returns it. */
export interface RunChange {
  seq: number;
  action: string;
  subject: string;
  externalId: string | null;
  userId: string | null;
  details: unknown;
  createdAt: string;
}

/** A page of a run's change log in the order it was written; `nextCursor` is the last seq. */
export async function listRunChanges(
  db: Db,
  runId: string,
  limit: number,
  afterSeq: number,
): Promise<{ items: RunChange[]; nextCursor: string | null }> {
  const rows = await db
    .selectFrom('run_changes')
    .selectAll()
    .where('run_id', '=', runId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map((r) => ({
    seq: r.seq,
    action: r.action,
    subject: r.subject,
    externalId: r.external_id,
    userId: r.user_id,
    details: safeJson(r.details),
    createdAt: r.created_at,
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? String(last.seq) : null };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text };
  }
}
