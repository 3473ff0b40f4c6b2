import type { ReactNode } from 'react';
import type { RunStatus } from '../types.ts';

type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'neutral';

/** A small coloured label. */
export function Badge({
  tone,
  children,
  title,
  testId,
}: {
  tone: Tone;
  children: ReactNode;
  title?: string | undefined;
  testId?: string | undefined;
}): ReactNode {
  return (
    <span className={`badge badge-${tone}`} title={title} data-testid={testId}>
      {children}
    </span>
  );
}

const RUN_TONE: Record<RunStatus, Tone> = {
  queued: 'neutral',
  running: 'info',
  succeeded: 'ok',
  failed: 'bad',
  held: 'warn',
};

/** A run's status as a badge ("held" reads as needing attention). */
export function RunStatusBadge({
  status,
  dryRun,
  testId,
}: {
  status: RunStatus;
  dryRun?: boolean;
  testId?: string;
}): ReactNode {
  return (
    <Badge tone={RUN_TONE[status] ?? 'neutral'} testId={testId}>
      {status}
      {dryRun ? ' (preview)' : ''}
    </Badge>
  );
}
