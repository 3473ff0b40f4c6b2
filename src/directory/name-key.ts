/**
 * The comparison key of a unit or user type name: trimmed, Unicode NFC-normalised and
 * lower-cased. Entra values are matched against names through this key, so "Store 1",
 * " store 1 " and a decomposed "Störe" all compare the way an administrator expects.
 */
export function nameKey(s: string): string {
  return s.trim().normalize('NFC').toLowerCase();
}
