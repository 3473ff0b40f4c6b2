import type { ReactNode } from 'react';
import { impactSentence, type ImpactView } from '../lib/impact.ts';
import { paths } from '../lib/routes.ts';
import { Link } from '../router.tsx';
import { formatCount } from '../lib/format.ts';

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
  question,
  note,
}: {
  impact: ImpactView;
  /** Why the counts are what they are, when that is not obvious. */
  note?: string | undefined;
  /** What is being asked, e.g. "Delete Stores?"; shown above the counts. */
  question?: string | undefined;
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
      {question ? <p className="impact-question">{question}</p> : null}
      <p id="impact-title" data-testid="impact-sentence">
        <strong>{impactSentence(impact)}</strong>
        {impact.wouldHold ? ' The next run would be held for approval (above a threshold).' : ''}
      </p>
      {note ? <p className="small">{note}</p> : null}
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
            <p className="small muted">…and {formatCount(impact.unassigned - 10)} more.</p>
          ) : null}
        </>
      ) : null}
      {impact.scopePending ? (
        <p data-testid="impact-scope-pending">
          Who is in the chosen groups is read from Microsoft at the next run: these counts leave the
          new scope out. Save, then press Preview to see it user by user.
        </p>
      ) : null}
      {integrationId ? (
        <p className="small">
          Every change, user by user: save, then press{' '}
          <Link to={paths.integration(integrationId)}>Preview</Link> on the integration.
        </p>
      ) : (
        <p className="small">
          Every change, user by user: the run this change starts at once (trigger “settings”) lists
          them in the run history of each <Link to={paths.integrations()}>integration</Link>, beside
          Preview.
        </p>
      )}
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
