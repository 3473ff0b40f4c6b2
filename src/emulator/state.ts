import type { AccessTokens } from './access-tokens.ts';
import type { NotificationDelivery } from './notification-delivery.ts';
import type { SubscriptionStore } from './subscription-store.ts';
import type { TokenSigner } from './signed-token.ts';
import type { TenantRegistry } from './tenant-registry.ts';

/** What every route handler of one emulator shares. */
export interface EmulatorState {
  /** https://127.0.0.1:PORT (or http://…), no trailing slash. */
  origin: string;
  tenants: TenantRegistry;
  tokens: AccessTokens;
  signer: TokenSigner;
  deltaPageSize: number;
  /** Change-notification subscriptions of every tenant. */
  subscriptions: SubscriptionStore;
  /** Sends notifications, lifecycle events and validation handshakes. */
  delivery: NotificationDelivery;
  /** Accept http:// notification URLs on loopback (tests and the demo; Graph never does). */
  allowHttpNotificationUrls: boolean;
  /** Emulator clock, ms since epoch (wall clock plus any advanceTime). */
  now(): number;
}

/** Delta and skip tokens older than this answer 410 Gone, like Graph's directory tokens. */
export const DELTA_TOKEN_LIFETIME_MS = 7 * 86_400_000;
