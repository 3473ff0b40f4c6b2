/**
 * Why a user is deactivated and what reactivating it will do, in words (issue 17). Pure: the
 * pages pass what the API returned.
 */
import type { User, UserDetail } from '../types.ts';

export type DeactivationReason = NonNullable<User['deactivationReason']>;

/** Who or what deactivated the user, and why. */
export function deactivationText(reason: DeactivationReason | null | undefined): string {
  switch (reason) {
    case 'admin':
      return 'Deactivated by an administrator';
    case 'source-disabled':
      return 'Deactivated by the synchronisation: the account is disabled in Entra';
    case 'source-deleted':
      return 'Deactivated by the synchronisation: deleted in Entra';
    case 'source-out-of-scope':
      return 'Deactivated by the synchronisation: no longer in the integration’s scope (group or exclusion rule)';
    default:
      return 'Deactivated';
  }
}

/**
 * The warning shown before reactivating, or null: a user Entra still has disabled, deleted or
 * out of scope is deactivated again by the next synchronisation.
 */
export function reactivationWarning(user: Pick<UserDetail, 'sync'>): string | null {
  const excluded = user.sync?.excluded;
  if (!excluded) return null;
  return `Entra still has this user out: ${excluded}. The next synchronisation will deactivate them again (held for approval if many users are concerned). Restore or enable the user in Entra first.`;
}
