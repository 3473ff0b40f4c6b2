import { useCallback, useState } from 'react';
import { messageOf } from '../api.ts';

/** State of a button's action: which one is running and the last failure. */
export interface Action {
  /** The name of the action running now, or null. */
  busy: string | null;
  error: string | null;
  /**
   * Runs `work` as `name`; a failure is kept in `error` (and handed to `onError`, e.g. to put
   * a 400's issues on their fields). Resolves to whether the work succeeded.
   */
  run: (
    name: string,
    work: () => Promise<void>,
    onError?: (err: unknown) => void,
  ) => Promise<boolean>;
  clearError: () => void;
}

/**
 * The busy / try / error pattern of the panel's buttons in one place: one action at a time,
 * its error shown until the next attempt.
 */
export function useAction(): Action {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (
      name: string,
      work: () => Promise<void>,
      onError?: (err: unknown) => void,
    ): Promise<boolean> => {
      setBusy(name);
      setError(null);
      try {
        await work();
        return true;
      } catch (err) {
        setError(messageOf(err));
        onError?.(err);
        return false;
      } finally {
        setBusy(null);
      }
    },
    [],
  );
  return { busy, error, run, clearError: () => setError(null) };
}
