import { formatCount } from '../lib/format.ts';
import type { ReactNode } from 'react';
import { paths } from '../lib/routes.ts';
import { Link } from '../router.tsx';
import type { Run } from '../types.ts';

/**
 * "Ready to enable", after a passing Test connection of a disabled integration (issue 17):
 * the last preview's counts beside the Enable button, so the administrator knows what the
 * first scheduled run will do.
 */
export function EnableOffer({
  lastPreview,
  busy,
  enabling,
  onEnable,
}: {
  lastPreview: Run | null;
  busy: boolean;
  enabling: boolean;
  onEnable: () => void;
}): ReactNode {
  return (
    <section className="card" data-testid="enable-offer" aria-labelledby="enable-title">
      <h2 id="enable-title">Ready to enable</h2>
      {lastPreview ? (
        <p data-testid="enable-preview">
          The last preview would create {lastPreview.counts.created}, update{' '}
          {lastPreview.counts.updated}, link {lastPreview.counts.linked}, deactivate{' '}
          {lastPreview.counts.deactivated} and leave {usersText(lastPreview.counts.unassigned)}{' '}
          unassigned
          {lastPreview.status === 'held' ? ' (and it would be held for approval)' : ''}.{' '}
          <Link to={paths.run(lastPreview.id)}>See the preview</Link>
        </p>
      ) : (
        <p data-testid="enable-preview">
          No preview yet: press Preview to see what the first synchronisation would do, without
          changing anything.
        </p>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={onEnable} disabled={busy}>
          {enabling ? 'Enabling…' : 'Enable'}
        </button>
      </div>
    </section>
  );
}

/** "1 user", "12 users". */
function usersText(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'user' : 'users'}`;
}
