import { useState, type FormEvent, type ReactNode } from 'react';
import type { AddedAdminView, AdminView } from '../../../src/http/automation-schemas.ts';
import { messageOf } from '../api.ts';
import { Alert, LoadState } from '../components/alert.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { addAdmin, changePassword, listAdmins, removeAdmin } from '../endpoints-automation.ts';
import { formatDate } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';

/** Administrators: list, add with a one-time password, remove (never the last); own password. */
export function AdminsPage(): ReactNode {
  const admins = useLoad(listAdmins, 'admins');
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<AddedAdminView | null>(null);

  const add = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) return setError('Enter an email address.');
    setBusy(true);
    setError(null);
    try {
      setAdded(await addAdmin(email.trim()));
      setEmail('');
      await admins.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const only = (admins.data?.length ?? 0) <= 1;

  return (
    <section>
      <h1>Administrators</h1>
      <form
        className="card form compact inline-create"
        onSubmit={(e) => void add(e)}
        noValidate
        aria-label="New administrator"
      >
        {error ? <Alert>{error}</Alert> : null}
        <div className="field">
          <label htmlFor="admin-email">Add an administrator</label>
          <div className="input-row">
            <input
              id="admin-email"
              type="email"
              value={email}
              maxLength={320}
              placeholder="name@example.com"
              onChange={(e) => setEmail(e.target.value)}
            />
            <button type="submit" className="primary" disabled={busy}>
              Add administrator
            </button>
          </div>
        </div>
      </form>
      {added ? (
        <Alert kind="success" testId="new-admin">
          <p>
            <strong>{added.email}</strong> can now sign in with this one-time password. Hand it over
            in person or by another channel; it is not shown again. They should change it after
            signing in.
          </p>
          <p>
            <code className="mono" data-testid="one-time-password">
              {added.oneTimePassword}
            </code>
          </p>
        </Alert>
      ) : null}
      <LoadState loading={admins.loading && !admins.data} error={admins.error} />
      {admins.data ? (
        <div className="table-wrap">
          <table className="table" data-testid="admins-table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {admins.data.map((admin) => (
                <AdminRow key={admin.id} admin={admin} only={only} onChanged={admins.reload} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <PasswordForm />
    </section>
  );
}

function AdminRow(props: {
  admin: AdminView;
  only: boolean;
  onChanged: () => Promise<void>;
}): ReactNode {
  const { admin, only, onChanged } = props;
  const [error, setError] = useState<string | null>(null);
  return (
    <tr>
      <td className="cell-email">
        {admin.email} {admin.you ? <span className="badge badge-info">You</span> : null}
      </td>
      <td>{formatDate(admin.createdAt)}</td>
      <td>
        {only ? (
          <span className="muted small">The last administrator cannot be removed</span>
        ) : (
          <ConfirmButton
            label="Remove"
            ariaLabel={`Remove ${admin.email}`}
            question={`Remove ${admin.email}? Their sessions end at once.`}
            confirmLabel="Yes, remove"
            onConfirm={async () => {
              try {
                await removeAdmin(admin.id);
                await onChanged();
              } catch (err) {
                setError(messageOf(err));
              }
            }}
          />
        )}
        {error ? <Alert>{error}</Alert> : null}
      </td>
    </tr>
  );
}

function PasswordForm(): ReactNode {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (next.length < 8)
      return setMessage({ kind: 'error', text: 'The new password needs at least 8 characters.' });
    setBusy(true);
    try {
      const { endedSessions } = await changePassword({
        currentPassword: current,
        newPassword: next,
      });
      setMessage({
        kind: 'success',
        text: `Password changed. ${endedSessions} other session${endedSessions === 1 ? '' : 's'} ended.`,
      });
      setCurrent('');
      setNext('');
    } catch (err) {
      setMessage({ kind: 'error', text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="card form compact"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label="Change your password"
    >
      <h2>Change your password</h2>
      {message ? (
        <Alert kind={message.kind} testId="password-result">
          {message.text}
        </Alert>
      ) : null}
      <div className="form-columns">
        <div className="field">
          <label htmlFor="current-password">Current password</label>
          <input
            id="current-password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="new-password">New password</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Change password
        </button>
      </div>
    </form>
  );
}
