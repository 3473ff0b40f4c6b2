/** One field that a run changed on a user. */
export interface FieldDiff {
  field: string;
  before: string;
  after: string;
}

/** A change's details made readable: field-by-field diffs and/or a reason. */
export interface DescribedChange {
  diffs: FieldDiff[];
  reason: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Renders any JSON value compactly for a table cell. */
export function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Reads a change's `details` (`{before, after}` or `{reason}`, SPEC §5.9). Only fields
 * whose value differs are listed; a details object of another shape is shown as JSON.
 */
export function describeChange(details: unknown): DescribedChange {
  if (!isRecord(details)) {
    return { diffs: [], reason: details === undefined || details === null ? null : show(details) };
  }
  const reason = typeof details.reason === 'string' ? details.reason : null;
  const before = isRecord(details.before) ? details.before : {};
  const after = isRecord(details.after) ? details.after : {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const diffs = fields
    .map((field) => ({ field, before: show(before[field]), after: show(after[field]) }))
    .filter((diff) => diff.before !== diff.after);
  const known = new Set(['reason', 'before', 'after']);
  const extra = Object.keys(details).filter((key) => !known.has(key));
  if (!reason && diffs.length === 0 && extra.length > 0) {
    return { diffs: [], reason: show(Object.fromEntries(extra.map((k) => [k, details[k]]))) };
  }
  return { diffs, reason };
}
