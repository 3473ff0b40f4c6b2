import type { ReactNode } from 'react';

interface AlertProps {
  kind?: 'error' | 'success' | 'warning' | 'info';
  children: ReactNode;
  testId?: string;
}

/** A message box; errors are announced by screen readers as they appear. */
export function Alert({ kind = 'error', children, testId }: AlertProps): ReactNode {
  return (
    <div
      className={`alert alert-${kind}`}
      role={kind === 'error' ? 'alert' : 'status'}
      data-testid={testId}
    >
      {children}
    </div>
  );
}

/** Shows a loading line, an error, or nothing. */
export function LoadState({
  loading,
  error,
}: {
  loading: boolean;
  error: string | null;
}): ReactNode {
  if (error) return <Alert>{error}</Alert>;
  if (loading)
    return (
      <p className="muted" aria-live="polite">
        Loading…
      </p>
    );
  return null;
}
