import type { ReactNode } from 'react';
import { impactSentence, type ImpactView } from '../lib/impact.ts';
import { paths } from '../lib/routes.ts';
import { Link } from '../router.tsx';

/**
 * What a change will do, before it is made (issue 17): the counts in one sentence, a
 * duplicate unit name named, the users who would lose their managed membership and why, and
 * the choice to go on or not. Cancel takes the focus: Enter twice must not commit.
 */
export function ImpactConfirm({
  impact,
  action,
  onConfirm,
  onCancel,
  integrationId,
}: {
  impact: ImpactView;
  /** The button's words, e.g. "Save anyway", "Create anyway". */
  action: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** Where the Preview can be started (the integration's page). */
  integrationId?: string | undefined;
}): ReactNode {
  return (
    <div
      className="alert alert-warning impact"
      role="alertdialog"
      aria-labelledby="impact-title"
      data-testid="impact"
    >
      <p id="impact-title">
        <strong>{impactSentence(impact)}</strong>
        {impact.wouldHold ? ' The next run would be held for approval (above a threshold).' : ''}
      </p>
      {impact.duplicateName ? (
        <p data-testid="impact-duplicate">
          A unit named “{impact.duplicateName}” already exists: with two units of that name, no user
          can be placed in either, and their members become unassigned.
        </p>
      ) : null}
      {impact.unassignedUsers.length > 0 ? (
        <>
          <p>Would lose their managed membership:</p>
          <ul className="impact-users">
            {impact.unassignedUsers.slice(0, 10).map((u) => (
              <li key={u.subject}>
                {u.userId ? <Link to={paths.user(u.userId)}>{u.subject}</Link> : u.subject}
                {u.reason ? <span className="small muted"> — {u.reason}</span> : null}
              </li>
            ))}
          </ul>
          {impact.unassigned > 10 ? (
            <p className="small muted">
              …and {(impact.unassigned - 10).toLocaleString('en-GB')} more.
            </p>
          ) : null}
        </>
      ) : null}
      {integrationId ? (
        <p className="small">
          Every change, user by user: save, then press{' '}
          <Link to={paths.integration(integrationId)}>Preview</Link> on the integration.
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="danger" onClick={onConfirm}>
          {action}
        </button>
        <button type="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
      </div>
    </div>
  );
}
