import { expect } from 'vitest';
import { AppError } from '../../src/errors.ts';

/** Awaits a promise that must reject with an AppError and returns that error. */
export async function errorOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}
