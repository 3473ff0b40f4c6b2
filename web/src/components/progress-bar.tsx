import type { ReactNode } from 'react';
import type { Run } from '../types.ts';

/**
 * A run's live progress. Graph does not say how many users a directory has, so the bar
 * reports users read (aria-valuenow) and fills when the run ends.
 */
export function RunProgressBar({ run }: { run: Run }): ReactNode {
  const { usersRead, pages } = run.progress;
  const finished = run.status !== 'queued' && run.status !== 'running';
  const max = finished ? usersRead : null;
  const percent = finished ? 100 : null;
  const text =
    run.status === 'queued'
      ? 'Waiting to start…'
      : `${usersRead.toLocaleString()} users read, ${pages.toLocaleString()} page${pages === 1 ? '' : 's'}`;
  return (
    <div className="progress">
      <div
        className={`progress-track${percent === null ? ' indeterminate' : ''} progress-${run.status}`}
        role="progressbar"
        aria-label="Run progress"
        aria-valuemin={0}
        aria-valuenow={usersRead}
        aria-valuemax={max ?? undefined}
        aria-valuetext={text}
        data-testid="run-progress"
      >
        <div
          className="progress-fill"
          style={percent === null ? undefined : { width: `${percent}%` }}
        />
      </div>
      <p className="progress-text" aria-live="polite">
        {text}
      </p>
    </div>
  );
}
