import type { ReactNode } from 'react';

interface FieldShellProps {
  id: string;
  label: string;
  help?: ReactNode;
  error?: string | undefined;
  children: ReactNode;
}

/** The ids an input should name in aria-describedby for its help and error text. */
export function describedBy(
  id: string,
  help: unknown,
  error: string | undefined,
): string | undefined {
  const ids = [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** A form row: label, the control, help text saying where the value comes from, error. */
export function FieldShell({ id, label, help, error, children }: FieldShellProps): ReactNode {
  return (
    <div className={error ? 'field has-error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
      {help ? (
        <p className="help" id={`${id}-help`}>
          {help}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  help?: ReactNode;
  error?: string | undefined;
  type?: 'text' | 'email' | 'password' | 'date' | 'number' | 'search';
  required?: boolean;
  autoComplete?: string;
  min?: number;
  maxLength?: number;
  placeholder?: string;
  autoFocus?: boolean;
  testId?: string;
}

/** A labelled text-like input. */
export function TextField(props: TextFieldProps): ReactNode {
  const { id, label, value, onChange, help, error, type = 'text', testId } = props;
  return (
    <FieldShell id={id} label={label} help={help} error={error}>
      <input
        id={id}
        name={id}
        type={type}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        required={props.required}
        autoComplete={props.autoComplete}
        min={props.min}
        maxLength={props.maxLength}
        placeholder={props.placeholder}
        autoFocus={props.autoFocus}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, help, error)}
        data-testid={testId}
      />
    </FieldShell>
  );
}

interface SelectFieldProps<T extends string> {
  id: string;
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  help?: ReactNode;
  error?: string | undefined;
}

/** A labelled select over a fixed list of values. */
export function SelectField<T extends string>(props: SelectFieldProps<T>): ReactNode {
  const { id, label, value, options, onChange, help, error } = props;
  return (
    <FieldShell id={id} label={label} help={help} error={error}>
      <select
        id={id}
        name={id}
        value={value}
        onChange={(event) => {
          const chosen = options.find((option) => option.value === event.target.value);
          if (chosen) onChange(chosen.value);
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, help, error)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

interface CheckboxFieldProps {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  help?: ReactNode;
  error?: string | undefined;
  /** Shown but not changeable (the help says why). */
  disabled?: boolean;
}

/** A checkbox with its label beside it and help text below. */
export function CheckboxField({
  id,
  label,
  checked,
  onChange,
  help,
  error,
  disabled = false,
}: CheckboxFieldProps): ReactNode {
  return (
    <div className={error ? 'field checkbox-field has-error' : 'field checkbox-field'}>
      <div className="checkbox-row">
        <input
          id={id}
          name={id}
          type="checkbox"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
          disabled={disabled}
          aria-describedby={describedBy(id, help, error)}
        />
        <label htmlFor={id}>{label}</label>
      </div>
      {help ? (
        <p className="help" id={`${id}-help`}>
          {help}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
