import type { MatchField } from '../../db/schema.ts';
import { nameKey } from '../../directory/name-key.ts';
import { matchFieldValue, safeText, type EntraUser } from '../entra-user.ts';
import { describeRule, matchingRule } from '../scope/exclusion-rules.ts';
import { matchUserTypes, type RemovedReason } from '../map.ts';
import { EXCLUSION_TEXT } from '../plan.ts';
import type { ReconcileConfig } from './config.ts';

export type UnitOutcome = 'matched' | 'no-unit' | 'ambiguous' | 'several-units' | 'empty';

/** Why a synced user is placed or unassigned (SPEC §5.15), from its mirror row. */
export interface SyncExplanation {
  integrationId: string;
  /** The Entra values the mapping used. */
  entra: Record<string, string | boolean | null>;
  /** When Entra last changed the user, as far as the service saw. */
  entraChangedAt: string | null;
  /** Why the user is out of the synchronised population, or null. */
  excluded: string | null;
  unit: {
    field: MatchField;
    value: string | null;
    outcome: UnitOutcome;
    unitId: string | null;
    reason: string | null;
  };
  userTypes: {
    field: MatchField;
    value: string | null;
    /** Names of the matched user types. */
    matched: string[];
    /** Parts of the value that name no user type. */
    unmatched: string[];
  };
}

const ENTRA_KEYS = [
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'accountEnabled',
  'userType',
] as const satisfies readonly (keyof EntraUser)[];

function quote(v: string): string {
  return `"${safeText(v.trim(), 100)}"`;
}

/** Pure: how the unit field's value matched the organisation's units. */
export function explainUnit(
  raw: string | null,
  config: ReconcileConfig,
): { outcome: UnitOutcome; unitId: string | null; reason: string | null } {
  if (raw === null || raw.trim() === '') {
    return { outcome: 'empty', unitId: null, reason: 'field is empty' };
  }
  const ids = config.lookups.unitsByName.get(nameKey(raw)) ?? [];
  if (ids.length === 1) return { outcome: 'matched', unitId: ids[0] ?? null, reason: null };
  if (ids.length > 1) {
    return {
      outcome: 'ambiguous',
      unitId: null,
      reason: `${ids.length} units are named ${quote(raw)}`,
    };
  }
  if (raw.includes(',')) {
    return { outcome: 'several-units', unitId: null, reason: 'the value names several units' };
  }
  return { outcome: 'no-unit', unitId: null, reason: `no unit named ${quote(raw)}` };
}

/** Pure: the explanation of one mirror row under the current configuration. */
export function explain(
  integrationId: string,
  user: EntraUser,
  removed: RemovedReason | null,
  changedAt: string | null,
  config: ReconcileConfig,
  /** A member of the scope groups (only read when the group scope is active). */
  inScope = true,
): SyncExplanation {
  const { unitField, userTypeField } = config.settings;
  const entra: Record<string, string | boolean | null> = {};
  for (const k of ENTRA_KEYS) entra[k] = user[k] ?? null;
  entra[unitField] = matchFieldValue(user, unitField);
  entra[userTypeField] = matchFieldValue(user, userTypeField);
  const unitValue = matchFieldValue(user, unitField);
  const typeValue = matchFieldValue(user, userTypeField);
  const types = matchUserTypes(typeValue, config.lookups);
  let excluded: string | null = removed ? EXCLUSION_TEXT[removed] : null;
  if (
    !excluded &&
    !config.settings.includeGuests &&
    user.userType?.trim().toLowerCase() === 'guest'
  ) {
    excluded = EXCLUSION_TEXT.guest;
  } else if (
    !excluded &&
    config.settings.deactivateDisabledUsers &&
    user.accountEnabled === false
  ) {
    excluded = EXCLUSION_TEXT.disabled;
  }
  if (!excluded) {
    // Exclusion rules and group scope (issue 14), as the reconcile decides them.
    const rule = matchingRule(user, config.settings.exclusionRules);
    const matched = rule === null ? undefined : config.settings.exclusionRules[rule];
    if (matched) excluded = `out of scope: exclusion rule ${safeText(describeRule(matched), 300)}`;
    else if (config.settings.groupScope && !inScope) excluded = EXCLUSION_TEXT['not-in-groups'];
  }
  return {
    integrationId,
    entra,
    entraChangedAt: changedAt,
    excluded,
    unit: { field: unitField, value: unitValue, ...explainUnit(unitValue, config) },
    userTypes: {
      field: userTypeField,
      value: typeValue,
      matched: types.userTypeIds.map((id) => config.names.get(id) ?? id),
      unmatched: types.unknown,
    },
  };
}
