import type { UserWithMemberships } from './types.ts';

/*
 * The users list as CSV (issue 13): pure formatting, so the route only streams pages.
 * RFC 4180 quoting; a cell that a spreadsheet would read as a formula is prefixed with a
 * quote mark (names and emails come from Entra, i.e. from outside).
 */

export const USERS_CSV_HEADER = [
  'id',
  'firstName',
  'lastName',
  'email',
  'status',
  'assigned',
  'units',
  'userTypes',
  'managedUnits',
  'integration',
  'deactivatedAt',
  'purgeAfter',
] as const;

/** Names of the organisation's units, user types and integrations, by id. */
export interface CsvNames {
  units: ReadonlyMap<string, string>;
  userTypes: ReadonlyMap<string, string>;
  integrations: ReadonlyMap<string, string>;
}

/** One CSV cell: quoted when needed, formula-looking text defused. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** One user's line; several units or user types are joined with "; ". */
export function userCsvLine(u: UserWithMemberships, names: CsvNames): string {
  const unit = (id: string) => names.units.get(id) ?? id;
  const types = new Set<string>();
  for (const m of u.memberships) {
    for (const t of m.userTypeIds) types.add(names.userTypes.get(t) ?? t);
  }
  return csvLine([
    u.id,
    u.firstName,
    u.lastName,
    u.email,
    u.status,
    u.assigned ? 'yes' : 'no',
    u.memberships.map((m) => unit(m.unitId)).join('; '),
    [...types].join('; '),
    u.memberships
      .filter((m) => m.managedBy !== null)
      .map((m) => unit(m.unitId))
      .join('; '),
    u.source ? (names.integrations.get(u.source.integrationId) ?? u.source.integrationId) : '',
    u.deactivatedAt ?? '',
    u.purgeAfter ?? '',
  ]);
}
