import { useEffect, useState, type ReactNode } from 'react';
import { LoadState } from './alert.tsx';
import { RunStatusBadge } from './badge.tsx';
import { Pager } from './pager.tsx';
import { countsSummary } from './run-counts.tsx';
import { listRunsPage } from '../endpoints.ts';
import {
  currentCursor,
  FIRST_PAGE,
  pageNumber,
  popCursor,
  pushCursor,
  type CursorStack,
} from '../lib/cursor-stack.ts';
import { formatDateTime, formatDuration } from '../lib/format.ts';
import { paths } from '../lib/routes.ts';
import { useLoad } from '../lib/use-load.ts';
import { Link } from '../router.tsx';

/** Runs per page of the history. */
export const RUNS_PAGE_SIZE = 20;

/**
 * An integration's runs, newest first, paged back to the 90-day retention; refreshes itself
 * while one is in progress.
 */
export function RunHistory({
  integrationId,
  refreshKey,
}: {
  integrationId: string;
  refreshKey: number;
}): ReactNode {
  const [stack, setStack] = useState<CursorStack>(FIRST_PAGE);
  const cursor = currentCursor(stack);
  const page = useLoad(
    () => listRunsPage(integrationId, cursor, RUNS_PAGE_SIZE),
    `${integrationId}:${refreshKey}:${cursor ?? ''}`,
  );
  // A new run (refreshKey) shows on the first page: go back to it.
  useEffect(() => setStack(FIRST_PAGE), [integrationId, refreshKey]);
  const runs = { ...page, data: page.data?.items };
  const nextCursor = page.data?.nextCursor ?? null;
  const active = (runs.data ?? []).some(
    (run) => run.status === 'queued' || run.status === 'running',
  );
  const { reload } = runs;
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => void reload(), 3000);
    return () => window.clearInterval(timer);
  }, [active, reload]);

  return (
    <section aria-labelledby="run-history-title">
      <h2 id="run-history-title">Run history</h2>
      <LoadState loading={runs.loading && !runs.data} error={runs.error} />
      {runs.data && runs.data.length === 0 && stack.length === 1 ? (
        <p className="muted">No runs yet.</p>
      ) : null}
      {runs.data && runs.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table stack-on-phone" data-testid="run-history">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
                <th scope="col">Mode</th>
                <th scope="col">Trigger</th>
                <th scope="col">Duration</th>
                <th scope="col">Changes</th>
                <th scope="col">
                  <span className="visually-hidden">Open</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.data.map((run) => (
                <tr key={run.id}>
                  <td data-label="Started">{formatDateTime(run.startedAt)}</td>
                  <td data-label="Status">
                    <RunStatusBadge status={run.status} dryRun={run.dryRun} />
                  </td>
                  <td data-label="Mode">{run.mode}</td>
                  <td data-label="Trigger">{run.trigger}</td>
                  <td data-label="Duration">{formatDuration(run.startedAt, run.finishedAt)}</td>
                  <td className="wrap" data-label="Changes">
                    {run.error ? run.error.message : countsSummary(run.counts)}
                  </td>
                  <td>
                    <Link to={paths.run(run.id)}>Details</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page.data && (stack.length > 1 || nextCursor) ? (
        <Pager
          label="Run history pages"
          page={pageNumber(stack)}
          hasPrevious={stack.length > 1}
          hasNext={nextCursor !== null}
          onPrevious={() => setStack(popCursor(stack))}
          onNext={() => nextCursor && setStack(pushCursor(stack, nextCursor))}
        />
      ) : null}
      {page.data && !nextCursor && stack.length > 1 ? (
        <p className="small muted" data-testid="runs-retention">
          Runs are kept 90 days: older ones are deleted.
        </p>
      ) : null}
    </section>
  );
}
