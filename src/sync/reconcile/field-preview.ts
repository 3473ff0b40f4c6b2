import type { MatchField } from '../../db/schema.ts';
import { MATCH_FIELDS } from '../../integrations/match-fields.ts';
import { nameKey } from '../../directory/name-key.ts';
import { matchFieldValue, type EntraUser } from '../entra-user.ts';
import { matchUserTypes, type MappingSettings } from '../map.ts';
import type { ReconcileConfig } from './config.ts';
import { explainUnit, type UnitOutcome } from './explain.ts';

/*
 * SPEC §5.15 field preview: what the chosen unit and user type fields hold in the tenant and
 * how each value matches. Pure: the caller feeds users page by page (from the mirror or a
 * Graph sample), so memory depends on the number of distinct values, never on the tenant.
 */

/** Most distinct values listed per field (largest first); the rest are only counted. */
export const PREVIEW_VALUES_SHOWN = 200;
/** Most distinct values tallied per field: a field unique per user (streetAddress) stays bounded. */
export const PREVIEW_VALUES_TRACKED = 20_000;

export interface UnitValuePreview {
  /** The value as Entra holds it (first spelling seen), or null when empty. */
  value: string | null;
  users: number;
  outcome: UnitOutcome;
  unitId: string | null;
  reason: string | null;
}

export interface UserTypeValuePreview {
  value: string | null;
  users: number;
  /** Each comma-separated part and whether it names a user type. */
  parts: { name: string; matched: boolean }[];
}

/** Share of users for whom a field would match, for each match field. */
export interface FieldRate {
  field: MatchField;
  /** Users whose value of this field names exactly one unit. */
  unitMatched: number;
  /** Users whose value of this field names at least one user type. */
  userTypeMatched: number;
}

export interface FieldPreview {
  /** Users looked at (in scope: not removed, not excluded by the settings). */
  users: number;
  unit: {
    field: MatchField;
    matchedUsers: number;
    distinctValues: number;
    /** Users whose value was not tallied (beyond PREVIEW_VALUES_TRACKED distinct values). */
    untrackedUsers: number;
    values: UnitValuePreview[];
  };
  userTypes: {
    field: MatchField;
    matchedUsers: number;
    distinctValues: number;
    untrackedUsers: number;
    values: UserTypeValuePreview[];
  };
  rates: FieldRate[];
  /** The fields with the best match rates (they differ, as the settings require), or null with no users. */
  recommendation: { unitField: MatchField; userTypeField: MatchField } | null;
}

interface Tally {
  first: string | null;
  users: number;
}

/** The running state of a preview; feed users with {@link addPreviewUser}. */
export interface PreviewTally {
  unitField: MatchField;
  userTypeField: MatchField;
  users: number;
  unitValues: Map<string, Tally>;
  typeValues: Map<string, Tally>;
  unitUntracked: number;
  typeUntracked: number;
  rates: Map<MatchField, FieldRate>;
}

export function startPreview(unitField: MatchField, userTypeField: MatchField): PreviewTally {
  return {
    unitField,
    userTypeField,
    users: 0,
    unitValues: new Map(),
    typeValues: new Map(),
    unitUntracked: 0,
    typeUntracked: 0,
    rates: new Map(MATCH_FIELDS.map((f) => [f, { field: f, unitMatched: 0, userTypeMatched: 0 }])),
  };
}

/** True when the settings leave this Entra user out (guests, disabled accounts). */
export function outOfScope(user: EntraUser, settings: MappingSettings): boolean {
  if (!settings.includeGuests && user.userType?.trim().toLowerCase() === 'guest') return true;
  return settings.deactivateDisabledUsers && user.accountEnabled === false;
}

/** Key of a value: empty values are one group, others compare like unit names. */
function valueKey(raw: string | null): string {
  return raw === null || raw.trim() === '' ? '' : `=${nameKey(raw)}`;
}

function count(map: Map<string, Tally>, raw: string | null): boolean {
  const key = valueKey(raw);
  const t = map.get(key);
  if (t) {
    t.users++;
    return true;
  }
  if (map.size >= PREVIEW_VALUES_TRACKED) return false;
  map.set(key, { first: key === '' ? null : (raw?.trim() ?? null), users: 1 });
  return true;
}

/** Pure accumulation: one in-scope user of the tenant. */
export function addPreviewUser(
  tally: PreviewTally,
  user: EntraUser,
  config: ReconcileConfig,
): void {
  tally.users++;
  if (!count(tally.unitValues, matchFieldValue(user, tally.unitField))) tally.unitUntracked++;
  if (!count(tally.typeValues, matchFieldValue(user, tally.userTypeField))) tally.typeUntracked++;
  for (const rate of tally.rates.values()) {
    const value = matchFieldValue(user, rate.field);
    if (explainUnit(value, config).outcome === 'matched') rate.unitMatched++;
    if (matchUserTypes(value, config.lookups).userTypeIds.length > 0) rate.userTypeMatched++;
  }
}

function largestFirst<T extends { users: number; value: string | null }>(a: T, b: T): number {
  return b.users - a.users || (a.value ?? '').localeCompare(b.value ?? '');
}

/** Pure: the preview of everything added so far. */
export function finishPreview(tally: PreviewTally, config: ReconcileConfig): FieldPreview {
  const unitAll = [...tally.unitValues.values()].map((t) => ({
    value: t.first,
    users: t.users,
    ...explainUnit(t.first, config),
  }));
  unitAll.sort(largestFirst);
  const typeAll: UserTypeValuePreview[] = [...tally.typeValues.values()].map((t) => {
    const parts = (t.first ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((name) => ({
        name,
        matched: matchUserTypes(name, config.lookups).userTypeIds.length > 0,
      }));
    return { value: t.first, users: t.users, parts };
  });
  typeAll.sort(largestFirst);
  const rates = [...tally.rates.values()];
  const unitRate = rates.find((r) => r.field === tally.unitField);
  const typeRate = rates.find((r) => r.field === tally.userTypeField);
  return {
    users: tally.users,
    unit: {
      field: tally.unitField,
      matchedUsers: unitRate?.unitMatched ?? 0,
      distinctValues: unitAll.length,
      untrackedUsers: tally.unitUntracked,
      values: unitAll.slice(0, PREVIEW_VALUES_SHOWN),
    },
    userTypes: {
      field: tally.userTypeField,
      matchedUsers: typeRate?.userTypeMatched ?? 0,
      distinctValues: typeAll.length,
      untrackedUsers: tally.typeUntracked,
      values: typeAll.slice(0, PREVIEW_VALUES_SHOWN),
    },
    rates,
    recommendation: tally.users === 0 ? null : recommend(rates, tally),
  };
}

/**
 * Pure: the unit field and the user type field with the most matching users, ties going to
 * the current choice (no change for nothing). The two must differ, so when one field is best
 * at both, the pair with the larger total wins.
 */
export function recommend(
  rates: readonly FieldRate[],
  current: { unitField: MatchField; userTypeField: MatchField },
): { unitField: MatchField; userTypeField: MatchField } {
  let best = { unitField: current.unitField, userTypeField: current.userTypeField };
  const byField = new Map(rates.map((r) => [r.field, r]));
  const score = (u: MatchField, t: MatchField) =>
    (byField.get(u)?.unitMatched ?? 0) + (byField.get(t)?.userTypeMatched ?? 0);
  let bestScore =
    current.unitField === current.userTypeField ? -1 : score(best.unitField, best.userTypeField);
  for (const u of rates) {
    for (const t of rates) {
      if (u.field === t.field) continue;
      const s = score(u.field, t.field);
      if (s > bestScore) {
        bestScore = s;
        best = { unitField: u.field, userTypeField: t.field };
      }
    }
  }
  return best;
}
