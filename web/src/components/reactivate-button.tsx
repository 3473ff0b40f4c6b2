import { useState, type ReactNode } from 'react';
import { messageOf } from '../api.ts';
import { getUser, reactivateUser } from '../endpoints.ts';
import { reactivationWarning } from '../lib/deactivation.ts';
import { fullName } from '../lib/format.ts';
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = fullName(user);
  const ask = async (): Promise<void> => {
    setError(null);
    setBusy(true);
    try {
      setAsking({ warning: reactivationWarning(await getUser(user.id)) });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (): Promise<void> => {
    setBusy(true);
    try {
      await reactivateUser(user.id);
      setAsking(null);
      await onDone();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
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
