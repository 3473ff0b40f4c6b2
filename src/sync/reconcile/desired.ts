import { entraLabel } from '../entra-user.ts';
import { mapEntraUser, type DesiredUser, type RemovedReason } from '../map.ts';
import { parseStoredEntraUser } from '../stored-entra-user.ts';
import type { ReconcileConfig } from './config.ts';

/** One row of the mirror as the reconcile reads it. */
export interface MirrorRow {
  externalId: string;
  /** JSON of the Entra user's selected properties, as last seen (kept when it is removed). */
  data: string;
  removed: RemovedReason | null;
  /** Graph last sent the user with this property of the wrong type. */
  invalidProperty: string | null;
  /** A member of the scope groups (transitively); read only when the group scope is active. */
  inScope: boolean;
}

/** What a mirror row asks of the directory, before looking at the directory. */
export type RowDecision =
  | { kind: 'desired'; desired: DesiredUser }
  /** Graph sent a malformed entry: nothing changes for this user, and the run says why. */
  | { kind: 'invalid'; externalId: string; label: string; property: string };

/**
 * Pure (SPEC §5.12): a mirror row and the configuration → the desired platform user. A removed
 * user keeps its last known values, so a restore or a relink needs no Graph request.
 */
export function decide(row: MirrorRow, config: ReconcileConfig): RowDecision {
  const user = parseStoredEntraUser(row.data);
  if (row.invalidProperty !== null || user === null) {
    return {
      kind: 'invalid',
      externalId: row.externalId,
      label: user ? entraLabel(user) : row.externalId,
      property: row.invalidProperty ?? '(stored data)',
    };
  }
  const desired = mapEntraUser(user, config.lookups, config.settings);
  if (row.removed) return { kind: 'desired', desired: { ...desired, exclusion: row.removed } };
  // Group scope (issue 14): outside the chosen groups is out of scope, like a removal.
  if (config.settings.groupScope && !row.inScope && desired.exclusion === null) {
    return { kind: 'desired', desired: { ...desired, exclusion: 'not-in-groups' } };
  }
  return { kind: 'desired', desired };
}
