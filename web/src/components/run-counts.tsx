import { formatCount } from '../lib/format.ts';
import type { ReactNode } from 'react';
import type { RunCounts } from '../types.ts';

export const COUNT_KEYS: (keyof RunCounts)[] = [
  'created',
  'updated',
  'linked',
  'deactivated',
  'reactivated',
  'unchanged',
  'skipped',
  'unassigned',
];

/** The eight counters of a run as a definition list. */
export function RunCountsView({
  counts,
}: {
  counts: Partial<RunCounts> | null | undefined;
}): ReactNode {
  return (
    <dl className="counts" data-testid="run-counts">
      {COUNT_KEYS.map((key) => (
        <div key={key} className="count">
          <dt>{key}</dt>
          <dd data-testid={`count-${key}`}>{formatCount(counts?.[key] ?? 0)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** "3 created · 1 deactivated" — only the non-zero changes, for history tables. */
export function countsSummary(counts: Partial<RunCounts> | null | undefined): string {
  const parts = COUNT_KEYS.filter((key) => key !== 'unchanged' && (counts?.[key] ?? 0) > 0).map(
    (key) => `${counts?.[key] ?? 0} ${key}`,
  );
  return parts.length ? parts.join(' · ') : 'no changes';
}
