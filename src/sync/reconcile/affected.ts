import { nameKey } from '../../directory/name-key.ts';
import { matchFieldValue, type EntraUser } from '../entra-user.ts';
import type { MappingSettings } from '../map.ts';

/**
 * Pure: whether a change of these unit and user type name keys can change this user's desired
 * state. Matching reads a unit through the key of the whole value (SPEC §3: even a value with
 * a comma can be one unit's name) and user types through the key of each comma-separated
 * part, so a user none of whose keys changed maps exactly as before.
 */
export function affectedByNames(
  u: EntraUser,
  settings: MappingSettings,
  unitKeys: ReadonlySet<string>,
  userTypeKeys: ReadonlySet<string>,
): boolean {
  const unit = matchFieldValue(u, settings.unitField);
  if (unitKeys.size && unit !== null && unit.trim() !== '' && unitKeys.has(nameKey(unit))) {
    return true;
  }
  const types = userTypeKeys.size ? matchFieldValue(u, settings.userTypeField) : null;
  if (types === null) return false;
  for (const part of types.split(',')) {
    const t = part.trim();
    if (t !== '' && userTypeKeys.has(nameKey(t))) return true;
  }
  return false;
}
