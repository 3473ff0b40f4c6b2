import type { DeactivationReason, UserStatus } from '../db/schema.ts';
import { isRemoval, type DesiredUser, type Exclusion } from './map.ts';

/** A managed membership: one unit and its user types (ids sorted for comparison). */
export interface ManagedMembership {
  unitId: string;
  userTypeIds: string[];
}

/** What the directory holds for a platform user, as far as the plan needs to know. */
export interface CurrentUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  status: UserStatus;
  deactivationReason: DeactivationReason | null;
  sourceIntegrationId: string | null;
  sourceExternalId: string | null;
  /** The membership managed by this integration, if any. */
  managed: ManagedMembership | null;
  /** Units where the user has a membership not managed by this integration. */
  otherUnitIds: string[];
  /** True when a membership not managed by this integration carries a user type. */
  otherAssigned: boolean;
}

/** The platform users an Entra user could correspond to, loaded for one page. */
export interface PageState {
  /** Users linked to this integration, by Entra object id. */
  linked: Map<string, CurrentUser>;
  /** Users of the organisation, by lower-case email. */
  byEmail: Map<string, CurrentUser>;
}

export type Field = 'firstName' | 'lastName' | 'email';

export interface FieldChange {
  field: Field;
  before: string;
  after: string;
}

/** The decision for one Entra user. Pure data: apply.ts carries it out. */
export type UserPlan =
  | {
      kind: 'skip';
      externalId: string;
      label: string;
      reason: string;
      /** A conflict with other users (an email in use): retried every run until it clears. */
      retry: boolean;
    }
  | {
      kind: 'create';
      externalId: string;
      label: string;
      user: { firstName: string; lastName: string; email: string };
      membership: ManagedMembership | null;
      notes: string[];
    }
  | {
      kind: 'change';
      externalId: string;
      label: string;
      userId: string;
      /**
       * A platform user this integration deactivated (its Entra user gone) that still holds
       * the email this user now has in Entra: the address passes on (apply.ts gives the
       * deactivated user a placeholder address), as it did in Entra.
       */
      releaseFrom?: string;
      /** 'link' an unlinked platform user, or 'relink' one this integration had deactivated. */
      link: 'link' | 'relink' | null;
      reactivate: boolean;
      fields: FieldChange[];
      /** undefined = membership unchanged; otherwise the new managed membership (or none). */
      membership?: { before: ManagedMembership | null; after: ManagedMembership | null };
      warnings: string[];
      notes: string[];
      /** Whether the user ends up with a membership carrying a user type. */
      assigned: boolean;
      /** Whether the user is active once the plan is applied (only active users count as unassigned). */
      active: boolean;
      /** The plan left something undone because of other users or manual memberships: retried every run. */
      retry: boolean;
    }
  | { kind: 'unchanged'; externalId: string; userId: string; assigned: boolean; active: boolean }
  /**
   * Gone from Entra or out of scope: its linked, active platform user is to be deactivated.
   * The deletion guard decides when (guard.ts); the plan only says so.
   */
  | {
      kind: 'exclude';
      externalId: string;
      label: string;
      exclusion: Exclusion;
      userId: string;
      subject: string;
    }
  /** Gone from Entra and never (or no longer) linked: nothing to do, nothing to log. */
  | { kind: 'gone'; externalId: string };

/** Why an Entra user is left out, in the words of the run log. */
export const EXCLUSION_TEXT: Record<Exclusion, string> = {
  guest: 'guest account, and "Include guests" is off',
  disabled: 'account disabled in Entra, and "Deactivate disabled accounts" is on',
  'out-of-scope': 'out of scope: an exclusion rule of the integration matches',
  'not-in-groups': "out of scope: not a member of the integration's scope groups",
  'removed-changed': 'deleted in Entra (restorable from deleted items)',
  'removed-deleted': 'permanently deleted in Entra',
  'not-seen': 'no longer in Entra (not seen by a full synchronisation)',
};

/**
 * Plans one page of Entra users against the directory state loaded for that page.
 * Entries are planned in order and the state is updated as they go, so two Entra users on
 * one page claiming the same email cannot both create or link a platform user.
 */
export function planPage(
  desired: readonly DesiredUser[],
  state: PageState,
  integrationId: string,
): UserPlan[] {
  const linked = new Map(state.linked);
  const byEmail = new Map(state.byEmail);
  const movable = feasibleEmailMoves(desired, state);
  // A deactivated user whose own Entra user is on this page is that user's, not a relink's.
  const onPage = new Set(desired.map((d) => d.externalId));
  const plans: UserPlan[] = [];
  for (const d of desired) {
    const p = planUser(d, linked, byEmail, integrationId, movable, onPage);
    plans.push(p);
    // Record what this plan claims so later entries of the page see it.
    if (p.kind === 'create') {
      byEmail.set(p.user.email, {
        id: `pending:${p.externalId}`,
        ...p.user,
        status: 'active',
        deactivationReason: null,
        sourceIntegrationId: integrationId,
        sourceExternalId: p.externalId,
        managed: p.membership,
        otherUnitIds: [],
        otherAssigned: false,
      });
    } else if (p.kind === 'change') {
      const base = p.link ? (d.email ? byEmail.get(d.email) : undefined) : linked.get(d.externalId);
      if (base) claim(p, base, linked, byEmail, integrationId);
    }
  }
  return plans;
}

/**
 * Updates the page's view of a user after a change plan: who it is linked to now, whether it
 * is active, and which emails it holds.
 */
function claim(
  p: Extract<UserPlan, { kind: 'change' }>,
  base: CurrentUser,
  linked: Map<string, CurrentUser>,
  byEmail: Map<string, CurrentUser>,
  integrationId: string,
): void {
  const email = p.fields.find((f) => f.field === 'email')?.after ?? base.email;
  const claimed: CurrentUser = {
    ...base,
    email,
    sourceIntegrationId: integrationId,
    sourceExternalId: p.externalId,
    ...(p.reactivate ? { status: 'active' as const, deactivationReason: null } : {}),
    ...(p.membership ? { managed: p.membership.after } : {}),
  };
  // A relinked user is no longer the old Entra user's: if that one is later on the page it
  // must not update (or reactivate) the same platform user a second time.
  if (base.sourceExternalId && base.sourceExternalId !== p.externalId) {
    linked.delete(base.sourceExternalId);
  }
  linked.set(p.externalId, claimed);
  // The old email stays claimed too: creates are applied before updates, so handing it to a
  // new user on this page would break the organisation's unique email.
  byEmail.set(base.email, claimed);
  byEmail.set(email, claimed);
}

/**
 * Emails that linked users of this batch may take although another linked user of the batch
 * holds them, because that user moves to another email in the same batch (a hand-over or a
 * swap). A move is feasible when its target is free, or held by a user whose own move is
 * feasible; cycles (swaps) are feasible. apply.ts parks moving emails first, so the unique
 * index never sees two users with one email.
 */
function feasibleEmailMoves(
  desired: readonly DesiredUser[],
  state: PageState,
): Map<string, string> {
  const moves = new Map<string, string>(); // user id → target email
  const targets = new Set<string>();
  for (const d of desired) {
    const own = state.linked.get(d.externalId);
    if (!own || d.exclusion || d.email === null || d.email === own.email) continue;
    if (targets.has(d.email)) continue; // two claims on one email: the first one only
    targets.add(d.email);
    moves.set(own.id, d.email);
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const [userId, target] of moves) {
      const holder = state.byEmail.get(target);
      if (holder && holder.id !== userId && !moves.has(holder.id)) {
        moves.delete(userId);
        changed = true;
      }
    }
  }
  return moves;
}

function planUser(
  d: DesiredUser,
  linked: Map<string, CurrentUser>,
  byEmail: Map<string, CurrentUser>,
  integrationId: string,
  movable: ReadonlyMap<string, string>,
  onPage: ReadonlySet<string>,
): UserPlan {
  const own = linked.get(d.externalId);
  if (d.exclusion) {
    if (own?.status === 'active') {
      return {
        kind: 'exclude',
        externalId: d.externalId,
        label: d.label,
        exclusion: d.exclusion,
        userId: own.id,
        subject: `${own.firstName} ${own.lastName} <${own.email}>`,
      };
    }
    if (own) {
      return {
        kind: 'unchanged',
        externalId: d.externalId,
        userId: own.id,
        assigned: false,
        active: false,
      };
    }
    if (isRemoval(d.exclusion)) return { kind: 'gone', externalId: d.externalId };
    return skip(d, `not synchronised: ${EXCLUSION_TEXT[d.exclusion]}`);
  }
  if (own) return planExisting(d, own, null, byEmail, movable);

  const missing = missingMandatory(d);
  const match = d.email ? byEmail.get(d.email) : undefined;
  if (!match) {
    if (missing) return skip(d, missing);
    return {
      kind: 'create',
      externalId: d.externalId,
      label: d.label,
      // missingMandatory() guarantees the three values.
      user: { firstName: d.firstName ?? '', lastName: d.lastName ?? '', email: d.email ?? '' },
      membership: d.membership ? sortTypes(d.membership) : null,
      notes: d.notes,
    };
  }
  if (match.sourceIntegrationId === null) return planExisting(d, match, 'link', byEmail, movable);
  if (match.sourceIntegrationId !== integrationId) {
    return skip(
      d,
      `email ${d.email} belongs to a platform user synchronised by another integration`,
      true,
    );
  }
  if (
    match.status === 'deactivated' &&
    isSourceDeactivation(match.deactivationReason) &&
    !(match.sourceExternalId !== null && onPage.has(match.sourceExternalId))
  ) {
    // SPEC §4.4: re-created in Entra (new object id) with the email of a user this
    // integration deactivated → relink and reactivate rather than duplicate.
    return planExisting(d, match, 'relink', byEmail, movable);
  }
  return skip(
    d,
    `email ${d.email} is already used by Entra user ${match.sourceExternalId ?? '?'} of this integration`,
    true,
  );
}

function planExisting(
  d: DesiredUser,
  user: CurrentUser,
  link: 'link' | 'relink' | null,
  byEmail: Map<string, CurrentUser>,
  movable: ReadonlyMap<string, string>,
): UserPlan {
  const fields: FieldChange[] = [];
  const warnings: string[] = [];
  const notes = [...d.notes];
  let releaseFrom: string | undefined;
  let retry = false;
  const keep = (field: Field, entraName: string, next: string | null): void => {
    const before = user[field];
    if (next === null) {
      warnings.push(`${entraName} is empty in Entra: kept "${before}"`);
    } else if (next !== before) {
      fields.push({ field, before, after: next });
    }
  };
  keep('firstName', 'givenName', d.firstName);
  keep('lastName', 'surname', d.lastName);
  if (d.email !== null && d.email !== user.email) {
    const owner = byEmail.get(d.email);
    // A linked user of this batch that moves away from the email is no obstacle (hand-over, swap).
    const handedOver =
      link === null && movable.get(user.id) === d.email && !!owner && movable.has(owner.id);
    // A user this integration deactivated gives up its old address when Entra hands it on.
    const releasable =
      link === null &&
      !!owner &&
      owner.id !== user.id &&
      owner.status === 'deactivated' &&
      isSourceDeactivation(owner.deactivationReason) &&
      owner.sourceIntegrationId === user.sourceIntegrationId;
    if (owner && owner.id !== user.id && !handedOver && !releasable) {
      warnings.push(`email ${d.email} is used by another platform user: kept ${user.email}`);
      retry = true;
    } else {
      if (releasable && owner) {
        releaseFrom = owner.id;
        notes.push(
          `email ${d.email} passed on from ${owner.firstName} ${owner.lastName}, deactivated since their Entra account went`,
        );
      }
      fields.push({ field: 'email', before: user.email, after: d.email });
    }
  } else if (d.email === null) {
    warnings.push(`no usable email in Entra (mail and userPrincipalName): kept ${user.email}`);
  }

  let after = d.membership ? sortTypes(d.membership) : null;
  if (after && user.otherUnitIds.includes(after.unitId)) {
    warnings.push('the unit already holds a membership added in the platform: left it as it is');
    after = null;
    // Retried every run: once the manual membership goes, the managed one takes its place.
    retry = true;
  }
  const membershipChanged = !sameMembership(user.managed, after);
  const reactivate = user.status === 'deactivated' && isSourceDeactivation(user.deactivationReason);
  const assigned = after !== null || user.otherAssigned;
  const active = user.status === 'active' || reactivate;

  if (!link && !reactivate && !fields.length && !membershipChanged && !warnings.length) {
    return { kind: 'unchanged', externalId: d.externalId, userId: user.id, assigned, active };
  }
  return {
    kind: 'change',
    externalId: d.externalId,
    label: d.label,
    userId: user.id,
    link,
    reactivate,
    fields,
    ...(membershipChanged ? { membership: { before: user.managed, after } } : {}),
    warnings,
    notes,
    assigned,
    active,
    retry,
    ...(releaseFrom ? { releaseFrom } : {}),
  };
}

function missingMandatory(d: DesiredUser): string | null {
  const missing: string[] = [];
  if (d.firstName === null) missing.push('first name (givenName)');
  if (d.lastName === null) missing.push('last name (surname)');
  if (d.email === null) missing.push('email (mail, or a non-guest userPrincipalName)');
  return missing.length ? `not created: no ${missing.join(', no ')} in Entra` : null;
}

function skip(d: DesiredUser, reason: string, retry = false): UserPlan {
  return { kind: 'skip', externalId: d.externalId, label: d.label, reason, retry };
}

/** True when the sync (not an administrator) deactivated the user, so the sync may reactivate it. */
export function isSourceDeactivation(reason: DeactivationReason | null): boolean {
  return (
    reason === 'source-deleted' || reason === 'source-disabled' || reason === 'source-out-of-scope'
  );
}

function sortTypes(m: ManagedMembership): ManagedMembership {
  return { unitId: m.unitId, userTypeIds: [...m.userTypeIds].sort() };
}

/** Whether two managed memberships have the same unit and the same set of user types. */
export function sameMembership(a: ManagedMembership | null, b: ManagedMembership | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.unitId !== b.unitId || a.userTypeIds.length !== b.userTypeIds.length) return false;
  const sa = [...a.userTypeIds].sort();
  const sb = [...b.userTypeIds].sort();
  return sa.every((v, i) => v === sb[i]);
}

/** Counts of SPEC §5.9 contributed by one page's plans (deactivations are counted later). */
export interface PageCounts {
  created: number;
  updated: number;
  linked: number;
  reactivated: number;
  unchanged: number;
  skipped: number;
  unassigned: number;
}

/** Tallies one page's plans into the run counts (each plan counts once). */
export function countPlans(plans: readonly UserPlan[]): PageCounts {
  const c: PageCounts = {
    created: 0,
    updated: 0,
    linked: 0,
    reactivated: 0,
    unchanged: 0,
    skipped: 0,
    unassigned: 0,
  };
  for (const p of plans) {
    switch (p.kind) {
      case 'skip':
        c.skipped++;
        break;
      case 'create':
        c.created++;
        if (!p.membership) c.unassigned++;
        break;
      case 'change':
        // Counts are of what changed: a plan that only carries warnings (a blank name kept,
        // an email held by someone else) changed nothing.
        if (p.link) c.linked++;
        else if (p.reactivate) c.reactivated++;
        else if (p.fields.length || p.membership) c.updated++;
        else c.unchanged++;
        if (p.active && !p.assigned) c.unassigned++;
        break;
      case 'unchanged':
        c.unchanged++;
        if (p.active && !p.assigned) c.unassigned++;
        break;
      case 'exclude':
      case 'gone':
        break;
    }
  }
  return c;
}
