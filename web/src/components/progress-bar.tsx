import type { ReactNode } from 'react';
import type { Run } from '../types.ts';
import { formatCount } from '../lib/format.ts';

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
      : `${formatCount(usersRead)} users read, ${formatCount(pages)} page${pages === 1 ? '' : 's'}`;
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
      {finished ? null : <WaitingHint waiting={run.progress?.waiting ?? null} />}
    </div>
  );
}

/**
 * "Waiting for Microsoft Graph: throttled, retrying in 12 s": a run that waits out Microsoft's
 * throttling (Retry-After) is not stuck, and says so. The run page reads the run every second,
 * so the countdown moves; a wait that has just ended says "retrying now".
 */
export function WaitingHint({
  waiting,
  now = Date.now(),
}: {
  waiting: { reason: 'throttled' | 'unavailable'; until: string } | null;
  now?: number;
}): ReactNode {
  const text = waitingText(waiting, now);
  return text ? (
    <p className="progress-waiting small" role="status" data-testid="run-waiting">
      {text}
    </p>
  ) : null;
}

/** Pure: the hint's words, or null when there is nothing to wait for (any more). */
export function waitingText(
  waiting: { reason: 'throttled' | 'unavailable'; until: string } | null,
  now: number,
): string | null {
  if (!waiting) return null;
  const left = Date.parse(waiting.until) - now;
  // Long past: the retry went out and its answer is being read; the hint would only mislead.
  if (!Number.isFinite(left) || left < -5000) return null;
  const why = waiting.reason === 'throttled' ? 'throttled' : 'temporarily unavailable';
  const when = left > 500 ? `retrying in ${formatCount(Math.ceil(left / 1000))} s` : 'retrying now';
  return `Waiting for Microsoft Graph: ${why}, ${when}.`;
}
