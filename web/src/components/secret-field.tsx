import type { ReactNode } from 'react';
import { describedBy, FieldShell } from './field.tsx';
import { HELP } from '../lib/integration-help.ts';

interface SecretFieldProps {
  /** A secret is stored on the server (never sent back). */
  secretSet: boolean;
  /** The admin chose to type a new secret (always true for a new integration). */
  replacing: boolean;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  onReplace: (replacing: boolean) => void;
}

/** The write-only secret: "Set" with a Replace button, or a password input. */
export function SecretField(props: SecretFieldProps): ReactNode {
  const { secretSet, replacing, value, error, onChange, onReplace } = props;
  const id = 'integration-secret';
  const help = (
    <>
      {HELP.secret}
      <br />
      {HELP.permission}
    </>
  );
  if (secretSet && !replacing) {
    return (
      <div className="field">
        <span className="label" id={`${id}-label`}>
          Secret
        </span>
        <div className="secret-set" role="group" aria-labelledby={`${id}-label`}>
          <span className="badge badge-ok" data-testid="secret-status">
            Set
          </span>
          <button type="button" onClick={() => onReplace(true)}>
            Replace
          </button>
        </div>
        <p className="help">{help}</p>
      </div>
    );
  }
  return (
    <FieldShell id={id} label="Secret" help={help} error={error}>
      <div className="input-row">
        <input
          id={id}
          name={id}
          type="password"
          value={value}
          autoComplete="new-password"
          spellCheck={false}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, help, error)}
        />
        {secretSet ? (
          <button type="button" onClick={() => onReplace(false)}>
            Keep current secret
          </button>
        ) : null}
      </div>
    </FieldShell>
  );
}
