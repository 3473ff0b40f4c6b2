import { randomBytes } from 'node:crypto';

/** What an access token stands for. */
export interface TokenGrant {
  tenantId: string;
  clientId: string;
  /** Admin consent for User.Read.All: without it Graph answers 403. */
  consent: boolean;
  /** Admin consent for GroupMember.Read.All: without it the group endpoints answer 403. */
  groupConsent: boolean;
  expiresAt: number;
}

/** Lifetime of an access token, as the real endpoint reports it. */
export const ACCESS_TOKEN_SECONDS = 3599;

/**
 * Opaque bearer tokens bound to tenant and app. Opaque on purpose: a client must not parse
 * Graph tokens, and random strings make a forged or stale token fail loudly.
 */
export class AccessTokens {
  private readonly grants = new Map<string, TokenGrant>();

  /** Issues a token valid for {@link ACCESS_TOKEN_SECONDS} from `now`. */
  issue(grant: Omit<TokenGrant, 'expiresAt'>, now: number): string {
    // Forget expired tokens now and then so a long benchmark does not grow the map.
    if (this.grants.size > 10_000) this.prune(now);
    const token = `emu.${randomBytes(32).toString('base64url')}`;
    this.grants.set(token, { ...grant, expiresAt: now + ACCESS_TOKEN_SECONDS * 1000 });
    return token;
  }

  /** The grant behind a token, or a reason why there is none. */
  verify(token: string, now: number): TokenGrant | 'unknown' | 'expired' {
    const grant = this.grants.get(token);
    if (!grant) return 'unknown';
    if (grant.expiresAt <= now) return 'expired';
    return grant;
  }

  private prune(now: number): void {
    for (const [token, grant] of this.grants) {
      if (grant.expiresAt <= now) this.grants.delete(token);
    }
  }
}
