import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert } from './alert.tsx';
import { TextField } from './field.tsx';
import { ApiError } from '../api.ts';
import { updateUser } from '../endpoints.ts';
import { splitIssues } from '../lib/field-errors.ts';
import { useAction } from '../lib/use-action.ts';
import type { User } from '../types.ts';

const FIELDS = ['firstName', 'lastName', 'email'] as const;
type Field = (typeof FIELDS)[number];
const LABELS: Record<Field, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
};

interface Props {
  user: User;
  /** Name of the integration managing this user, when `source` is set. */
  managedBy: string | null;
  onSaved: (user: User) => void;
}

/**
 * Names and email. Entra is the source of truth for a synced user (SPEC §4), so those
 * fields are read-only with the managing integration named.
 */
export function UserDetailsForm({ user, managedBy, onSaved }: Props): ReactNode {
  const [values, setValues] = useState<Record<Field, string>>({
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
  });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const busy = action.busy !== null;

  if (managedBy !== null) {
    return (
      <div className="card">
        <dl className="facts">
          {FIELDS.map((field) => (
            <div key={field}>
              <dt>{LABELS[field]}</dt>
              <dd className="wrap" data-testid={`user-${field}`}>
                {user[field] || '—'}
              </dd>
            </div>
          ))}
        </dl>
        <p className="small muted" data-testid="managed-by">
          Managed by {managedBy}: change these in Entra ID; the next synchronisation brings them
          here.
        </p>
      </div>
    );
  }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setSaved(false);
    setErrors({});
    await action.run(
      'save',
      async () => {
        const updated = await updateUser(user.id, {
          firstName: values.firstName.trim(),
          lastName: values.lastName.trim(),
          email: values.email.trim(),
        });
        onSaved(updated);
        setSaved(true);
      },
      (err) => {
        if (err instanceof ApiError && err.status === 400)
          setErrors(splitIssues(err.issues, FIELDS).byField);
      },
    );
  };

  return (
    <form
      className="card form compact"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-label="User details"
    >
      {action.error ? <Alert kind="error">{action.error}</Alert> : null}
      {saved ? <Alert kind="success">Saved.</Alert> : null}
      <div className="grid-3">
        {FIELDS.map((field) => (
          <TextField
            key={field}
            id={`user-${field}`}
            label={LABELS[field]}
            type={field === 'email' ? 'email' : 'text'}
            value={values[field]}
            onChange={(value) => setValues((current) => ({ ...current, [field]: value }))}
            error={errors[field]}
          />
        ))}
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
      </div>
    </form>
  );
}
