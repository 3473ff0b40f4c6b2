import { useEffect, useRef, type ReactNode } from 'react';
import type { TestResult } from '../types.ts';

/** The server's step names in words (issue 17: "token —" read like a glitch). */
const STEP_LABELS: Record<string, string> = {
  token: 'Sign in with the app’s credentials',
  permission: 'Permission User.Read.All',
  'read-user': 'Read one user',
  notifications: 'Near-real-time (public URL)',
};

/** The steps of Test connection (token → permission → read one user), each ✓ or ✗. */
export function TestResultView({ result }: { result: TestResult }): ReactNode {
  const ref = useRef<HTMLDivElement>(null);
  // The result appears below the form, out of sight on a laptop screen: bring it into view.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [result]);
  return (
    <div
      ref={ref}
      className={`card test-result ${result.ok ? 'ok' : 'bad'}`}
      data-testid="test-result"
      role="status"
    >
      <h3>{result.ok ? 'Connection works' : 'Connection failed'}</h3>
      <ol className="steps">
        {result.steps.map((step, index) => (
          <li key={`${index}-${step.name}`} className={step.ok ? 'step-ok' : 'step-bad'}>
            <span className="step-mark" aria-hidden="true">
              {step.ok ? '✓' : '✗'}
            </span>
            <span className="visually-hidden">{step.ok ? 'Passed:' : 'Failed:'}</span>
            <strong>{STEP_LABELS[step.name] ?? step.name}</strong>
            {step.message ? <span className="step-message">: {step.message}</span> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
