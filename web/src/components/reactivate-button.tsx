import { useState, type ReactNode } from 'react';
import { getUser, reactivateUser } from '../endpoints.ts';
import { reactivationWarning } from '../lib/deactivation.ts';
import { fullName } from '../lib/format.ts';
import { useAction } from '../lib/use-action.ts';
import type { User } from '../types.ts';

/**
 * Reactivate, asking first (issue 17). The question is built from the user as the API has it
 * now (GET /users/:id carries `sync.excluded`), so it warns when Entra still has the user
 * disabled or deleted and the next run would deactivate it again.
 */
export function ReactivateButton({
  user,
  onDone,
}: {
  user: Pick<User, 'id' | 'firstName' | 'lastName' | 'email'>;
  onDone: () => Promise<void> | void;
}): ReactNode {
  const [asking, setAsking] = useState<{ warning: string | null } | null>(null);
  const { busy: running, error, run } = useAction();
  const busy = running !== null;
  const name = fullName(user);
  const ask = () =>
    run('ask', async () => {
      setAsking({ warning: reactivationWarning(await getUser(user.id)) });
    });
  const confirm = () =>
    run('reactivate', async () => {
      await reactivateUser(user.id);
      setAsking(null);
      await onDone();
    });
  return (
    <span className="reactivate">
      {asking ? (
        <span className="confirm" role="group" aria-label={`Reactivate ${name}?`}>
          <span className="confirm-question">Reactivate {name}?</span>
          {asking.warning ? (
            <span className="confirm-warning" data-testid="reactivate-warning">
              {asking.warning}
            </span>
          ) : null}
          <button type="button" className="primary" onClick={() => void confirm()} disabled={busy}>
            Yes, reactivate
          </button>
          {/* Cancel takes the focus: Enter twice must not reactivate by accident. */}
          <button type="button" onClick={() => setAsking(null)} disabled={busy} autoFocus>
            Cancel
          </button>
        </span>
      ) : (
        <button
          type="button"
          onClick={() => void ask()}
          disabled={busy}
          aria-label={`Reactivate ${name}`}
        >
          Reactivate
        </button>
      )}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
