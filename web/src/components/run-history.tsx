import { useEffect, type ReactNode } from 'react';
import { LoadState } from './alert.tsx';
import { RunStatusBadge } from './badge.tsx';
import { countsSummary } from './run-counts.tsx';
import { listRuns } from '../endpoints.ts';
import { formatDateTime, formatDuration } from '../lib/format.ts';
import { paths } from '../lib/routes.ts';
import { useLoad } from '../lib/use-load.ts';
import { Link } from '../router.tsx';

/** An integration's runs, newest first; refreshes itself while one is in progress. */
export function RunHistory({
  integrationId,
  refreshKey,
}: {
  integrationId: string;
  refreshKey: number;
}): ReactNode {
  const runs = useLoad(() => listRuns(integrationId), `${integrationId}:${refreshKey}`);
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
      {runs.data && runs.data.length === 0 ? <p className="muted">No runs yet.</p> : null}
      {runs.data && runs.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="run-history">
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
                  <td>{formatDateTime(run.startedAt)}</td>
                  <td>
                    <RunStatusBadge status={run.status} dryRun={run.dryRun} />
                  </td>
                  <td>{run.mode}</td>
                  <td>{run.trigger}</td>
                  <td>{formatDuration(run.startedAt, run.finishedAt)}</td>
                  <td className="wrap">
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
    </section>
  );
}
