import { useEffect, useState, type ReactNode } from 'react';
import { messageOf } from '../api.ts';
import { Alert, LoadState } from '../components/alert.tsx';
import { RunStatusBadge } from '../components/badge.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { RunProgressBar } from '../components/progress-bar.tsx';
import { RunChanges } from '../components/run-changes.tsx';
import { RunCountsView } from '../components/run-counts.tsx';
import { approveDeletions, getIntegration, getRun } from '../endpoints.ts';
import { formatCount, formatDateTime, formatDuration } from '../lib/format.ts';
import { paths } from '../lib/routes.ts';
import { useLoad } from '../lib/use-load.ts';
import { Link } from '../router.tsx';
import type { Run } from '../types.ts';

const POLL_MS = 1000;

function isActive(run: Run | undefined): boolean {
  return run?.status === 'queued' || run?.status === 'running';
}

/** One run: live progress while it runs, then counts, notes, errors and the change log. */
export function RunPage({ id }: { id: string }): ReactNode {
  const run = useLoad(() => getRun(id), id);
  const integrationId = run.data?.integrationId ?? '';
  const integration = useLoad(
    () => (integrationId ? getIntegration(integrationId) : Promise.resolve(null)),
    integrationId,
  );
  const [approveError, setApproveError] = useState<string | null>(null);
  const active = isActive(run.data);
  const { reload } = run;

  // Poll every second while the run is queued or running (SPEC §6: live progress bar).
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => void reload(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [active, reload]);

  if (!run.data) {
    return (
      <section>
        <h1>Run</h1>
        <LoadState loading={run.loading} error={run.error} />
      </section>
    );
  }
  const data = run.data;
  const integrationName = integration.data?.name ?? 'Integration';
  const notes = typeof data.notes === 'string' ? [data.notes] : (data.notes ?? []);
  const already = new URLSearchParams(window.location.search).has('already');

  const approve = async (): Promise<void> => {
    setApproveError(null);
    try {
      await approveDeletions(data.id);
      await reload();
    } catch (err) {
      setApproveError(messageOf(err));
    }
  };

  return (
    <section>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to={paths.integrations()}>Integrations</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={paths.integration(data.integrationId)} className="truncate">
          {integrationName}
        </Link>{' '}
        <span aria-hidden="true">›</span> Run
      </nav>
      <div className="page-head">
        <h1>
          {data.dryRun ? 'Preview' : 'Synchronisation'} run{' '}
          <RunStatusBadge status={data.status} dryRun={data.dryRun} testId="run-status" />
        </h1>
      </div>
      {already && active ? (
        <Alert kind="info">
          A run of this integration was already in progress: this is that run.
        </Alert>
      ) : null}
      {data.dryRun ? (
        <Alert kind="info">
          A preview changes nothing: it shows what a synchronisation would do.
        </Alert>
      ) : null}

      <div className="card">
        <RunProgressBar run={data} />
        <dl className="facts">
          <div>
            <dt>Mode</dt>
            <dd>{data.mode}</dd>
          </div>
          <div>
            <dt>Trigger</dt>
            <dd>{data.trigger}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{formatDateTime(data.startedAt)}</dd>
          </div>
          <div>
            <dt>Finished</dt>
            <dd>
              {formatDateTime(data.finishedAt)}
              {data.finishedAt && data.startedAt ? (
                <span className="muted">
                  {' '}
                  (took {formatDuration(data.startedAt, data.finishedAt)})
                </span>
              ) : null}
            </dd>
          </div>
        </dl>
        {run.error ? <p className="small muted">Refresh failed: {run.error}</p> : null}
      </div>

      {data.error ? (
        <Alert testId="run-error">
          <strong>The run failed.</strong> {data.error.message}
        </Alert>
      ) : null}

      {data.status === 'held' ? (
        <div className="alert alert-warning" data-testid="held">
          <p>
            <strong>{heldTitle(data.heldDeletions ?? 0, data.heldUnassignments ?? 0)}</strong>{' '}
            {heldText(data.heldDeletions ?? 0, data.heldUnassignments ?? 0)} Everything else was
            applied. Check the held changes below (filter “Held”), then approve to apply them as
            they are now.
          </p>
          <ConfirmButton
            label="Approve held changes"
            question="Apply the held changes now? Users restored in Entra meanwhile are spared."
            confirmLabel="Yes, approve"
            onConfirm={approve}
          />
          {approveError ? (
            <p className="field-error" role="alert">
              {approveError}
            </p>
          ) : null}
        </div>
      ) : null}

      <h2>Counts</h2>
      <RunCountsView counts={data.counts} />

      {notes.length > 0 ? (
        <section aria-labelledby="notes-title">
          <h2 id="notes-title">Notes</h2>
          <ul className="notes" data-testid="run-notes">
            {notes.map((note, index) => (
              <li key={index} className="wrap">
                {note}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <RunChanges runId={data.id} refreshKey={`${data.status}`} />
    </section>
  );
}

/** The held alert's title: which guard stopped the run. */
function heldTitle(deletions: number, unassignments: number): string {
  if (deletions && unassignments) return 'Deactivations and membership removals held.';
  return unassignments ? 'Membership removals held.' : 'Deletions held.';
}

/** What the run holds, in words (either count may be 0). */
function heldText(deletions: number, unassignments: number): string {
  const parts: string[] = [];
  if (deletions) {
    parts.push(
      `This run would deactivate ${formatCount(deletions)} users, above the deletion threshold.`,
    );
  }
  if (unassignments) {
    parts.push(
      `It would take the managed membership away from ${formatCount(unassignments)} users, above the unassignment threshold.`,
    );
  }
  return parts.join(' ') || 'This run holds more changes than its thresholds allow.';
}
