import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert } from './alert.tsx';
import { TextField } from './field.tsx';
import { ApiError } from '../api.ts';
import { createUser } from '../endpoints.ts';
import { splitIssues } from '../lib/field-errors.ts';
import { useAction } from '../lib/use-action.ts';
import type { User } from '../types.ts';

const FIELDS = ['firstName', 'lastName', 'email'] as const;
type Field = (typeof FIELDS)[number];

/** Creates a platform user; if an Entra user has that email, the sync links it. */
export function NewUserForm({
  onCreated,
  onCancel,
}: {
  onCreated: (user: User) => void;
  onCancel: () => void;
}): ReactNode {
  const [values, setValues] = useState<Record<Field, string>>({
    firstName: '',
    lastName: '',
    email: '',
  });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const action = useAction();

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const local: Partial<Record<Field, string>> = {};
    if (!values.firstName.trim()) local.firstName = 'Enter a first name.';
    if (!values.lastName.trim()) local.lastName = 'Enter a last name.';
    if (!/^[^\s@]+@[^\s@]+$/.test(values.email.trim())) local.email = 'Enter an email address.';
    setErrors(local);
    action.clearError();
    if (Object.keys(local).length > 0) return;
    await action.run(
      'create',
      async () => {
        const user = await createUser({
          firstName: values.firstName.trim(),
          lastName: values.lastName.trim(),
          email: values.email.trim(),
        });
        onCreated(user);
      },
      (err) => {
        if (err instanceof ApiError && err.status === 400)
          setErrors(splitIssues(err.issues, FIELDS).byField);
      },
    );
  };

  const set = (field: Field) => (value: string) =>
    setValues((current) => ({ ...current, [field]: value }));
  return (
    <form
      className="card form compact"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-label="New user"
    >
      <h2>New user</h2>
      {action.error ? <Alert>{action.error}</Alert> : null}
      <div className="grid-3">
        <TextField
          id="new-user-first-name"
          label="First name"
          value={values.firstName}
          onChange={set('firstName')}
          error={errors.firstName}
          autoFocus
        />
        <TextField
          id="new-user-last-name"
          label="Last name"
          value={values.lastName}
          onChange={set('lastName')}
          error={errors.lastName}
        />
        <TextField
          id="new-user-email"
          label="Email"
          type="email"
          value={values.email}
          onChange={set('email')}
          error={errors.email}
        />
      </div>
      <p className="small muted">
        If an Entra user of one of your integrations has this email, the next synchronisation links
        the two and takes the names from Entra.
      </p>
      <div className="actions">
        <button type="submit" className="primary" disabled={action.busy !== null}>
          Create user
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
