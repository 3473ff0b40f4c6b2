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
  fingerprint: string;
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
  const keyed = (list: readonly Named[]) => list.map((x) => `${x.id}=${nameKey(x.name)}`).sort();
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      v: 1,
      settings: [
        settings.unitField,
        settings.userTypeField,
        settings.includeGuests,
        settings.deactivateDisabledUsers,
        settings.exclusionRules.map((r) => [r.field, r.operator, nameKey(r.value)]),
        settings.groupScope ? scopeLoaded : null,
      ],
      units: keyed(units),
      userTypes: keyed(userTypes),
    }),
  );
  return {
    settings,
    lookups: buildLookups(units, userTypes),
    names,
    fingerprint: hash.digest('base64url'),
  };
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
