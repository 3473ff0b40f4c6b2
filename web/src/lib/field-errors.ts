import type { FieldIssue } from '../api.ts';

/**
 * Splits server validation issues into those naming a field the form shows (by its API
 * name, or a dotted path starting with it) and the rest, which go in a summary.
 */
export function splitIssues<K extends string>(
  issues: FieldIssue[],
  fields: readonly K[],
): { byField: Partial<Record<K, string>>; other: FieldIssue[] } {
  const byField: Partial<Record<K, string>> = {};
  const other: FieldIssue[] = [];
  for (const issue of issues) {
    const head = issue.field.replace(/^body[./]/, '').split(/[./[]/)[0] ?? '';
    const field = fields.find((candidate) => candidate === head);
    if (field && byField[field] === undefined) byField[field] = issue.message;
    else other.push(issue);
  }
  return { byField, other };
}
