import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, messageOf } from '../api.ts';
import { Alert } from '../components/alert.tsx';
import { TextField } from '../components/field.tsx';
import { login } from '../endpoints.ts';
import { splitIssues } from '../lib/field-errors.ts';

/** Email and password sign-in for platform administrators. */
export function SignInPage({ onSignedIn }: { onSignedIn: () => Promise<void> }): ReactNode {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await login(email.trim(), password);
      await onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        setFieldErrors(splitIssues(err.issues, ['email', 'password'] as const).byField);
      }
      setError(
        err instanceof ApiError && err.status === 401 ? 'Wrong email or password.' : messageOf(err),
      );
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={(event) => void submit(event)} noValidate>
        <h1>Azure User Sync</h1>
        <p className="muted">Sign in as a platform administrator.</p>
        {error ? <Alert testId="sign-in-error">{error}</Alert> : null}
        <TextField
          id="login-email"
          label="Email"
          type="email"
          value={email}
          onChange={setEmail}
          autoComplete="username"
          error={fieldErrors.email}
          required
          autoFocus
          testId="login-email"
        />
        <TextField
          id="login-password"
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          error={fieldErrors.password}
          required
          testId="login-password"
        />
        <button type="submit" className="primary wide" disabled={busy} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
