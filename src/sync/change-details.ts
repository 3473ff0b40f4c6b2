import type { DeactivationReason } from '../db/schema.ts';

/**
 * The `details` of one change-log row (GET /runs/:id/changes), written by the sync engine
 * (apply.ts `changeRows`, reconcile.ts) and read by the panel (web/src/lib/change-details.ts):
 * one type for both, so neither side guesses the other's shape.
 */
export interface ChangeDetails {
  /** `create`: the user as created; `membership` is "Unit: Type, Type" or null (unassigned). */
  after?: { firstName: string; lastName: string; email: string; membership: string | null };
  /** `update`, `link`, `relink`, `reactivate`, and held unassignments: each field before → after. */
  changes?: FieldChangeDetail[];
  /** `skip`, `deactivate`, `held`: why, in words. */
  reason?: string;
  /** `deactivate` and held deactivations: what the user's deactivation reason becomes. */
  deactivationReason?: DeactivationReason;
  /** `held`: what the guard held back (a deactivation, or a managed membership removal). */
  held?: 'deactivation' | 'unassignment';
  /** A link or relink that also reactivated the user. */
  reactivated?: boolean;
  /** Why the mapping came out as it did (a unit ignored, user types not found). */
  notes?: string[];
  /** Something the run could not do as Entra asked (a blank name kept, an email in use). */
  warnings?: string[];
}

/** One field of a user before → after; `membership` reads "Unit: Type, Type", null = none. */
export interface FieldChangeDetail {
  field: 'firstName' | 'lastName' | 'email' | 'membership';
  before: string | null;
  after: string | null;
}

/** Actions of the change log (`run_changes.action`). */
export const CHANGE_ACTIONS = [
  'create',
  'update',
  'link',
  'relink',
  'reactivate',
  'deactivate',
  'skip',
  'held',
] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];
