import type { UserPlan } from '../plan.ts';

/*
 * The unassignment guard (issue 17), pure: which plans take a managed membership away from an
 * active user, how to apply the rest of such a plan, and the default threshold. Like the
 * deletion guard, removals are pending state (row outcome `unassign`, todo 2): decided in the
 * passes, counted, then applied or held, and decided again at approval.
 */

/** Default: 100 users or 10% of the integration's linked users, whichever is lower. */
export const DEFAULT_UNASSIGNMENT_CAP = 100;

/**
 * The threshold in force: the stored one, or the default for `linkedUsers`. 0 = guard off (a
 * default of 0 only happens with no linked users, when there is nothing to unassign).
 */
export function effectiveUnassignmentThreshold(stored: number | null, linkedUsers: number): number {
  if (stored !== null) return stored;
  return Math.min(DEFAULT_UNASSIGNMENT_CAP, Math.ceil(linkedUsers / 10));
}

/**
 * True when the plan removes this integration's managed membership from a user who is active
 * now (a move to another unit is not a removal; a deactivated user being reactivated or
 * relinked had no access to lose).
 */
export function takesMembership(p: UserPlan): p is Extract<UserPlan, { kind: 'change' }> {
  return (
    p.kind === 'change' &&
    p.membership !== undefined &&
    p.membership.before !== null &&
    p.membership.after === null &&
    p.active &&
    !p.reactivate &&
    p.link === null
  );
}

/**
 * Holds back the membership removals of a batch: each such plan keeps the rest of its changes
 * (names, email) but not the removal; a plan left with nothing to do is dropped, so it is
 * neither applied, logged nor counted now. Returns the plans to apply and the deferred rows.
 */
export function deferUnassignments(plans: readonly UserPlan[]): {
  plans: UserPlan[];
  deferred: string[];
  /** Deferred rows whose other changes apply (and are counted as updated) now. */
  partly: string[];
} {
  const out: UserPlan[] = [];
  const deferred: string[] = [];
  const partly: string[] = [];
  for (const p of plans) {
    if (!takesMembership(p)) {
      out.push(p);
      continue;
    }
    deferred.push(p.externalId);
    if (!p.fields.length && !p.warnings.length) continue;
    partly.push(p.externalId);
    const { membership: _held, ...rest } = p;
    // The user keeps its managed membership (which carries a user type) for now.
    out.push({ ...rest, assigned: true });
  }
  return { plans: out, deferred, partly };
}
