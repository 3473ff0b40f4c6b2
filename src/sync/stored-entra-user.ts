import { EMPLOYEE_ORG_DATA_KEYS, EXTENSION_ATTRIBUTES } from '../graph/types.ts';
import { ENTRA_USER_SELECT, type EntraUser } from './entra-user.ts';

/**
 * Reads an Entra user back from `entra_users.data` without trusting its shape: only string,
 * boolean and null values of the selected properties are kept.
 */
export function parseStoredEntraUser(json: string): EntraUser | null {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const obj = v as Record<string, unknown>;
  if (typeof obj.id !== 'string') return null;
  const out: EntraUser = { id: obj.id };
  for (const key of ENTRA_USER_SELECT) {
    const value = obj[key];
    if (key === 'id') continue;
    if (value === undefined) continue;
    if (key === 'employeeOrgData') {
      out.employeeOrgData = nested(EMPLOYEE_ORG_DATA_KEYS, value);
    } else if (key === 'onPremisesExtensionAttributes') {
      out.onPremisesExtensionAttributes = nested(EXTENSION_ATTRIBUTES, value);
    } else if (key === 'accountEnabled') {
      if (typeof value === 'boolean' || value === null) out.accountEnabled = value;
    } else if (typeof value === 'string' || value === null) {
      out[key] = value;
    }
  }
  return out;
}

/** A stored nested object: only its known keys with string values; anything else is null. */
function nested<K extends string>(
  keys: readonly K[],
  value: unknown,
): Partial<Record<K, string | null>> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const obj = value as Record<string, unknown>;
  const out: Partial<Record<K, string | null>> = {};
  for (const key of keys) {
    const v = obj[key];
    out[key] = typeof v === 'string' ? v : null;
  }
  return out;
}
