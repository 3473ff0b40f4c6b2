import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A fresh clientState: 32 random bytes, base64url (43 characters; Graph allows 128,
 * resources/subscription.md). Graph echoes it in every notification, so it proves a
 * notification comes from the subscription we created (change-notifications-delivery-webhooks.md).
 */
export function newClientState(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Compares a received clientState with the stored one in constant time: both are hashed
 * first, so neither the content nor the length leaks through timing.
 */
export function sameClientState(received: string, stored: string): boolean {
  const a = createHash('sha256').update(received, 'utf8').digest();
  const b = createHash('sha256').update(stored, 'utf8').digest();
  return timingSafeEqual(a, b);
}
