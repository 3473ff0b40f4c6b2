import { useState, type ReactNode } from 'react';

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
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className={danger ? 'danger' : undefined}
        onClick={() => setAsking(true)}
        disabled={disabled}
        aria-label={ariaLabel}
      >
        {label}
      </button>
    );
  }
  const confirm = async (): Promise<void> => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className={danger ? 'danger' : 'primary'}
        onClick={() => void confirm()}
        disabled={busy}
      >
        {confirmLabel}
      </button>
      {/* Cancel takes the focus: pressing Enter twice must not delete (issue 17). */}
      <button type="button" onClick={() => setAsking(false)} disabled={busy} autoFocus>
        Cancel
      </button>
    </span>
  );
}
