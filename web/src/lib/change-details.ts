/**
 * A run's change-log row in words (issue 17). The shape is the server's own type
 * (src/sync/change-details.ts), so the panel reads exactly what the engine writes.
 */
import type { ChangeDetails, FieldChangeDetail } from '../../../src/sync/change-details.ts';

export type { ChangeDetails };

/** One field that a run changed on a user, in words. */
export interface FieldDiff {
  field: string;
  before: string;
  after: string;
}

/** A change made readable: a headline, field diffs, and the notes and warnings in words. */
export interface DescribedChange {
  /** What happened, in one sentence (null when the diffs say it all). */
  summary: string | null;
  diffs: FieldDiff[];
  /** Why the mapping came out as it did, or why the user was skipped / held / deactivated. */
  reason: string | null;
  notes: string[];
  warnings: string[];
}

const FIELD_LABELS: Record<FieldChangeDetail['field'], string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  membership: 'Membership',
};

/** Action names as an administrator reads them (the filter's options too). */
export const ACTION_LABELS: Record<string, string> = {
  held: 'Held (waits for approval)',
  create: 'Created',
  update: 'Updated',
  link: 'Linked',
  relink: 'Relinked',
  reactivate: 'Reactivated',
  deactivate: 'Deactivated',
  skip: 'Skipped',
};

function value(v: string | null | undefined, field: string): string {
  if (v === null || v === undefined || v === '') {
    return field === 'membership' ? 'no managed membership' : '—';
  }
  return v;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Reads a row's `details` for its `action`; an unreadable row says so rather than guessing. */
export function describeChange(action: string, raw: unknown): DescribedChange {
  const out: DescribedChange = { summary: null, diffs: [], reason: null, notes: [], warnings: [] };
  if (!isRecord(raw)) return out;
  if (typeof raw.raw === 'string') return { ...out, reason: 'This log line could not be read.' };
  const d = raw as ChangeDetails;
  out.notes = d.notes ?? [];
  out.warnings = d.warnings ?? [];
  out.reason = d.reason ?? null;
  if (d.after && action === 'create') {
    out.diffs = [
      { field: 'First name', before: '—', after: value(d.after.firstName, 'firstName') },
      { field: 'Last name', before: '—', after: value(d.after.lastName, 'lastName') },
      { field: 'Email', before: '—', after: value(d.after.email, 'email') },
      {
        field: 'Membership',
        before: '—',
        after: value(d.after.membership, 'membership'),
      },
    ];
    if (!d.after.membership) out.summary = 'Created without a managed membership (unassigned).';
  }
  for (const c of d.changes ?? []) {
    out.diffs.push({
      field: FIELD_LABELS[c.field] ?? c.field,
      before: value(c.before, c.field),
      after: value(c.after, c.field),
    });
  }
  out.summary ??= summaryOf(action, d);
  return out;
}

function summaryOf(action: string, d: ChangeDetails): string | null {
  switch (action) {
    case 'held':
      return d.held === 'unassignment'
        ? 'Held: would lose the managed membership. Approve the run to apply it.'
        : 'Held: would be deactivated. Approve the run to apply it.';
    case 'reactivate':
      return 'Reactivated: the user is back in Entra (restored or enabled again).';
    case 'deactivate':
      return d.deactivationReason === 'source-disabled'
        ? 'Deactivated: disabled in Entra.'
        : 'Deactivated: gone from Entra.';
    case 'skip':
      return 'Skipped: not created or not changed.';
    case 'link':
      return `Linked to an existing platform user with the same email${d.reactivated ? ', and reactivated' : ''}.`;
    case 'relink':
      return `Re-created in Entra with the same email: relinked${d.reactivated ? ' and reactivated' : ''}.`;
    case 'update':
      return (d.changes ?? []).length === 0 ? 'Looked at: nothing could change.' : null;
    default:
      return null;
  }
}
