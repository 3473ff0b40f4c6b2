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
    if (key === 'accountEnabled') {
      if (typeof value === 'boolean' || value === null) out.accountEnabled = value;
    } else if (typeof value === 'string' || value === null) {
      out[key] = value;
    }
  }
  return out;
}
