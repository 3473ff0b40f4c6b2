import { createHash, randomBytes } from 'node:crypto';

/** A new session token: 32 random bytes, base64url. Handed to the client once, never stored. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database stores for a token: its SHA-256, hex. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
