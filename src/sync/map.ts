import type { MatchField } from '../db/schema.ts';
import { nameKey } from '../directory/name-key.ts';
import type { ExclusionRule } from '../integrations/exclusion-rules.ts';
import { entraLabel, matchFieldValue, safeText, type EntraUser } from './entra-user.ts';
import { describeRule, matchingRule } from './scope/exclusion-rules.ts';

/** The organisation's units and user types, indexed by normalised name (built once per run). */
export interface DirectoryLookups {
  /** name key → ids of every unit with that name (more than one = ambiguous). */
  unitsByName: ReadonlyMap<string, readonly string[]>;
  /** name key → user type id (names are unique per organisation). */
  userTypesByName: ReadonlyMap<string, string>;
}

/** The integration settings the mapper needs. */
export interface MappingSettings {
  unitField: MatchField;
  userTypeField: MatchField;
  includeGuests: boolean;
  deactivateDisabledUsers: boolean;
  /** Any rule that matches puts the user out of scope (issue 14). */
  exclusionRules: readonly ExclusionRule[];
  /**
   * Only members of the scope groups are in scope; true once their memberships are loaded
   * (until then the previous scope, or all users, stays in effect).
   */
  groupScope: boolean;
}

/**
 * Why an Entra user is outside the synchronised population (its platform user is
 * deactivated): excluded by the settings (`guest`, `disabled`), out of the integration's
 * scope (`out-of-scope`: an exclusion rule matches; `not-in-groups`: not a member of the
 * scope groups), or gone from Entra (soft-deleted,
 * permanently deleted, or not seen by a full enumeration).
 */
export type Exclusion = 'guest' | 'disabled' | 'out-of-scope' | 'not-in-groups' | RemovedReason;

/** How the mirror knows an Entra user is gone. */
export type RemovedReason = 'removed-changed' | 'removed-deleted' | 'not-seen';

/** Gone from Entra, as opposed to excluded by a setting. */
export function isRemoval(e: Exclusion | null): e is RemovedReason {
  return e === 'removed-changed' || e === 'removed-deleted' || e === 'not-seen';
}

/** The platform user an Entra user should be, as far as Entra decides it. */
export interface DesiredUser {
  externalId: string;
  label: string;
  /** null when Entra has no usable value (the plan keeps the old one or skips). */
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** The managed membership, present only when a unit and at least one user type matched. */
  membership: { unitId: string; userTypeIds: string[] } | null;
  /** Out of scope (guest without "include guests", or disabled with the option on). */
  exclusion: Exclusion | null;
  /** Why the unit or some user types were ignored, for the run log. */
  notes: string[];
}

/** Builds the lookups from the organisation's units and user types. */
export function buildLookups(
  units: readonly { id: string; name: string }[],
  userTypes: readonly { id: string; name: string }[],
): DirectoryLookups {
  const unitsByName = new Map<string, string[]>();
  for (const u of units) {
    const key = nameKey(u.name);
    const list = unitsByName.get(key);
    if (list) list.push(u.id);
    else unitsByName.set(key, [u.id]);
  }
  const userTypesByName = new Map<string, string>();
  for (const t of userTypes) userTypesByName.set(nameKey(t.name), t.id);
  return { unitsByName, userTypesByName };
}

/** SPEC §3: `mail`, else a UPN that is not a guest's `#EXT#` address; lower-cased. */
export function emailOf(u: EntraUser): string | null {
  const mail = cleanEmail(u.mail);
  if (mail) return mail;
  const upn = cleanEmail(u.userPrincipalName);
  if (upn && !upn.includes('#ext#')) return upn;
  return null;
}

function cleanEmail(v: string | null | undefined): string | null {
  if (typeof v !== 'string') return null;
  const e = v.trim().toLowerCase();
  // A plausible address: one @, something on both sides, no spaces, no control characters
  // and no lone surrogates (neither can be stored faithfully). Anything else would be
  // refused by the directory, so treat it as missing and let the plan say why.
  if (e.length > 254 || !/^[^\s@\p{Cc}\p{Cs}]+@[^\s@\p{Cc}\p{Cs}]+$/u.test(e)) return null;
  return e;
}

/** Longest name kept. Graph caps names at 64; this only protects the directory from hostile data. */
const NAME_MAX = 200;

function cleanName(v: string | null | undefined): string | null {
  if (typeof v !== 'string') return null;
  // safeText first: NFC of a lone surrogate is itself, and control characters would make
  // a blank-looking name count as present.
  const n = safeText(v, Number.MAX_SAFE_INTEGER).normalize('NFC').trim();
  if (n === '') return null;
  // Cut by code points so an emoji is never split into a lone surrogate, then trim again
  // so the cut cannot leave trailing spaces.
  const points = Array.from(n);
  return points.length <= NAME_MAX ? n : points.slice(0, NAME_MAX).join('').trimEnd();
}

/** An Entra value quoted in a run-log note: safe to store, and short. */
function quoted(v: string): string {
  return `"${safeText(v.trim(), 100)}"`;
}

/** Most unknown user type names listed in one note; the rest are counted. */
const UNKNOWN_LISTED = 10;

/** Maps the unit field's value to one unit id, or explains why none. */
export function matchUnit(
  raw: string | null,
  lookups: DirectoryLookups,
): { unitId: string } | { note: string } | null {
  if (raw === null || raw.trim() === '') return null;
  const key = nameKey(raw);
  const whole = lookups.unitsByName.get(key);
  if (whole && whole.length === 1 && whole[0] !== undefined) return { unitId: whole[0] };
  if (whole && whole.length > 1) {
    return { note: `unit ${quoted(raw)} ignored: ${whole.length} units share that name` };
  }
  if (raw.includes(',')) {
    return { note: `unit ${quoted(raw)} ignored: a comma states more than one unit` };
  }
  return { note: `unit ${quoted(raw)} ignored: no unit has that name` };
}

/** Splits the user type field on commas and keeps the parts that name a user type. */
export function matchUserTypes(
  raw: string | null,
  lookups: DirectoryLookups,
): { userTypeIds: string[]; unknown: string[] } {
  const ids: string[] = [];
  const unknown: string[] = [];
  const unknownKeys = new Set<string>();
  if (raw === null) return { userTypeIds: ids, unknown };
  for (const part of raw.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const key = nameKey(trimmed);
    const id = lookups.userTypesByName.get(key);
    if (id !== undefined) {
      if (!ids.includes(id)) ids.push(id);
    } else if (!unknownKeys.has(key)) {
      // Unknown names collapse like known ones: "Foo, foo" is reported once.
      unknownKeys.add(key);
      unknown.push(trimmed);
    }
  }
  return { userTypeIds: ids, unknown };
}

function unknownTypesNote(unknown: readonly string[]): string {
  const listed = unknown.slice(0, UNKNOWN_LISTED).map((t) => safeText(t, 100));
  const more = unknown.length - listed.length;
  return `user types ignored (no such user type): ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** SPEC §3: one Entra user + the organisation's units and user types → the desired user. */
export function mapEntraUser(
  u: EntraUser,
  lookups: DirectoryLookups,
  settings: MappingSettings,
): DesiredUser {
  const notes: string[] = [];
  const unit = matchUnit(matchFieldValue(u, settings.unitField), lookups);
  if (unit && 'note' in unit) notes.push(unit.note);
  const types = matchUserTypes(matchFieldValue(u, settings.userTypeField), lookups);
  if (types.unknown.length) {
    notes.push(unknownTypesNote(types.unknown));
  }
  const unitId = unit && 'unitId' in unit ? unit.unitId : null;
  let membership: DesiredUser['membership'] = null;
  if (unitId && types.userTypeIds.length) membership = { unitId, userTypeIds: types.userTypeIds };
  else if (unitId) notes.push('no managed membership: no user type matched');
  else if (types.userTypeIds.length) notes.push('no managed membership: no unit matched');

  let exclusion: Exclusion | null = null;
  if (!settings.includeGuests && u.userType?.trim().toLowerCase() === 'guest') exclusion = 'guest';
  else if (settings.deactivateDisabledUsers && u.accountEnabled === false) exclusion = 'disabled';
  else {
    const rule = matchingRule(u, settings.exclusionRules);
    const matched = rule === null ? undefined : settings.exclusionRules[rule];
    if (matched) {
      exclusion = 'out-of-scope';
      notes.push(
        `out of scope: exclusion rule ${rule === null ? '' : rule + 1} (${safeText(describeRule(matched), 300)})`,
      );
    }
  }

  return {
    externalId: u.id,
    label: entraLabel(u),
    firstName: cleanName(u.givenName),
    lastName: cleanName(u.surname),
    email: emailOf(u),
    membership,
    exclusion,
    notes,
  };
}
