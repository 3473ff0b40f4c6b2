import { ValidationError } from '../errors.ts';

/**
 * Opaque keyset cursors: base64url of a small JSON object holding the last id seen.
 * Opaque so clients do not build them, versioned by shape so the key can grow later.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

/** Decodes a cursor or throws a 400 naming the `cursor` field. */
export function decodeCursor(cursor: string): string {
  const invalid = () =>
    new ValidationError('Invalid cursor', [
      { field: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !('after' in parsed) ||
    typeof parsed.after !== 'string' ||
    parsed.after.length === 0 ||
    parsed.after.length > 100
  ) {
    throw invalid();
  }
  return parsed.after;
}
