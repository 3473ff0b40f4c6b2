import { useState, type ReactNode } from 'react';
import { useAction } from '../lib/use-action.ts';

interface ConfirmButtonProps {
  /** Text of the first button, e.g. "Delete". */
  label: string;
  /** The question shown before acting, e.g. "Delete unit North?". */
  question: string;
  /** Text of the confirming button, e.g. "Yes, delete". */
  confirmLabel: string;
  onConfirm: () => Promise<void> | void;
  danger?: boolean;
  disabled?: boolean;
  /** Accessible name of the first button when its label alone is ambiguous in a list. */
  ariaLabel?: string;
}

/**
 * A button that asks inline before a destructive action (no browser dialog, so the
 * question stays readable, keyboard-reachable and testable).
 */
export function ConfirmButton(props: ConfirmButtonProps): ReactNode {
  const { label, question, confirmLabel, onConfirm, danger = true, disabled, ariaLabel } = props;
  const [asking, setAsking] = useState(false);
  const { busy, error, run } = useAction();
  if (!asking) {
    return (
      <>
        <button
          type="button"
          className={danger ? 'danger' : undefined}
          onClick={() => setAsking(true)}
          disabled={disabled}
          aria-label={ariaLabel}
        >
          {label}
        </button>
        {error ? (
          <span className="field-error" role="alert">
            {error}
          </span>
        ) : null}
      </>
    );
  }
  // The question closes either way; a failure the caller did not catch shows beside the button.
  const confirm = async (): Promise<void> => {
    await run('confirm', async () => {
      await onConfirm();
    });
    setAsking(false);
  };
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className={danger ? 'danger' : 'primary'}
        onClick={() => void confirm()}
        disabled={busy !== null}
      >
        {confirmLabel}
      </button>
      {/* Cancel takes the focus: pressing Enter twice must not delete (issue 17). */}
      <button type="button" onClick={() => setAsking(false)} disabled={busy !== null} autoFocus>
        Cancel
      </button>
    </span>
  );
}
