import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db, IntegrationsTable } from '../../db/schema.ts';
import { nameKey } from '../../directory/name-key.ts';
import { parseStoredRules } from '../../integrations/exclusion-rules.ts';
import { buildLookups, type DirectoryLookups, type MappingSettings } from '../map.ts';

/**
 * Everything desired state depends on besides the mirror row (SPEC §5.12): the mapping
 * settings and the organisation's units and user types. Its fingerprint changes exactly when
 * a reconcile of every row could give another answer.
 */
export interface ReconcileConfig {
  settings: MappingSettings;
  lookups: DirectoryLookups;
  /** Unit and user type names by id, for the change log. */
  names: ReadonlyMap<string, string>;
  /** What matching reads, as stored JSON: settings, unit name keys → ids, type keys → id. */
  snapshot: string;
  /** Short hash of the snapshot: equal fingerprints, equal desired states. */
  fingerprint: string;
}

/** The stored form of a configuration (integrations.reconciled_config). */
interface Snapshot {
  v: 2;
  settings: unknown[];
  units: Record<string, string[]>;
  userTypes: Record<string, string>;
}

interface Named {
  id: string;
  name: string;
}

/** The mapping settings of an integration row. */
export function settingsOf(row: Selectable<IntegrationsTable>): MappingSettings {
  return {
    unitField: row.unit_field,
    userTypeField: row.user_type_field,
    includeGuests: row.include_guests === 1,
    deactivateDisabledUsers: row.deactivate_disabled_users === 1,
    exclusionRules: parseStoredRules(row.exclusion_rules),
    groupScope: row.scope_mode === 'groups' && row.scope_loaded !== null,
  };
}

/**
 * Pure: the configuration and its fingerprint. Only what matching reads counts: ids and
 * normalised names (a unit moved in the tree or renamed in letter case matches the same).
 */
export function buildConfig(
  settings: MappingSettings,
  units: readonly Named[],
  userTypes: readonly Named[],
  /** Which groups' memberships the scope reads (`scope_loaded`); part of the fingerprint. */
  scopeLoaded: string | null = null,
): ReconcileConfig {
  const names = new Map<string, string>();
  for (const x of [...units, ...userTypes]) names.set(x.id, x.name);
  const lookups = buildLookups(units, userTypes);
  const snap: Snapshot = {
    v: 2,
    settings: [
      settings.unitField,
      settings.userTypeField,
      settings.includeGuests,
      settings.deactivateDisabledUsers,
      settings.exclusionRules.map((r) => [r.field, r.operator, nameKey(r.value)]),
      settings.groupScope ? scopeLoaded : null,
    ],
    units: sortedRecord([...lookups.unitsByName].map(([k, ids]) => [k, [...ids].sort()])),
    userTypes: sortedRecord([...lookups.userTypesByName]),
  };
  const snapshot = JSON.stringify(snap);
  return {
    settings,
    lookups,
    names,
    snapshot,
    fingerprint: createHash('sha256').update(snapshot).digest('base64url'),
  };
}

function sortedRecord<T>(entries: [string, T][]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = v;
  return out;
}

/** Which mirror rows a configuration change can affect (pure). */
export type ConfigChange =
  | { kind: 'none' }
  /** Settings changed, or nothing is known of the last configuration: every row. */
  | { kind: 'all' }
  /** Only units or user types: rows whose unit value or a user type part has one of these keys. */
  | { kind: 'names'; unitKeys: ReadonlySet<string>; userTypeKeys: ReadonlySet<string> };

function parseSnapshot(json: string | null): Snapshot | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as Partial<Snapshot>;
    return v.v === 2 && Array.isArray(v.settings) && v.units && v.userTypes
      ? (v as Snapshot)
      : null;
  } catch {
    return null;
  }
}

/**
 * Pure: what changed between the configuration the directory was reconciled with and this
 * one. A unit or user type name key whose ids differ (created, renamed, deleted, a second
 * unit of that name) affects only the users whose value has that key; anything else affects
 * every user.
 */
export function configChange(previous: string | null, next: ReconcileConfig): ConfigChange {
  if (previous === next.snapshot) return { kind: 'none' };
  const a = parseSnapshot(previous);
  const b = parseSnapshot(next.snapshot);
  if (!a || !b || JSON.stringify(a.settings) !== JSON.stringify(b.settings)) return { kind: 'all' };
  const unitKeys = new Set<string>();
  for (const k of new Set([...Object.keys(a.units), ...Object.keys(b.units)])) {
    if (JSON.stringify(a.units[k] ?? null) !== JSON.stringify(b.units[k] ?? null)) unitKeys.add(k);
  }
  const userTypeKeys = new Set<string>();
  for (const k of new Set([...Object.keys(a.userTypes), ...Object.keys(b.userTypes)])) {
    if ((a.userTypes[k] ?? null) !== (b.userTypes[k] ?? null)) userTypeKeys.add(k);
  }
  return { kind: 'names', unitKeys, userTypeKeys };
}

/** Reads the configuration of an integration now. */
export async function loadConfig(
  db: Db,
  integration: Selectable<IntegrationsTable>,
): Promise<ReconcileConfig> {
  const units = await db
    .selectFrom('units')
    .select(['id', 'name'])
    .where('org_id', '=', integration.org_id)
    .execute();
  const types = await db
    .selectFrom('user_types')
    .select(['id', 'name'])
    .where('org_id', '=', integration.org_id)
    .execute();
  return buildConfig(settingsOf(integration), units, types, integration.scope_loaded);
}
