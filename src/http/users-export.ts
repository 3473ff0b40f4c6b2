import type { Db } from '../db/schema.ts';
import { listUnits } from '../directory/units.ts';
import { listUsers, MAX_PAGE_SIZE, type UserListQuery } from '../directory/user-listing.ts';
import { listUserTypes } from '../directory/user-types.ts';
import { csvLine, USERS_CSV_HEADER, userCsvLine, type CsvNames } from '../directory/users-csv.ts';
import { listIntegrations } from '../integrations/service.ts';

/**
 * The users list as CSV lines, a listing page at a time: the response streams while the
 * pages are read, so an export of a million users holds one page in memory.
 */
export async function* usersCsv(
  db: Db,
  orgId: string,
  query: Omit<UserListQuery, 'limit' | 'cursor'>,
): AsyncGenerator<string> {
  const names: CsvNames = {
    units: new Map((await listUnits(db, orgId)).map((u) => [u.id, u.name])),
    userTypes: new Map((await listUserTypes(db, orgId)).map((t) => [t.id, t.name])),
    integrations: new Map((await listIntegrations(db, orgId)).map((i) => [i.id, i.name])),
  };
  yield csvLine(USERS_CSV_HEADER);
  let cursor: string | undefined;
  for (;;) {
    const page = await listUsers(db, orgId, { ...query, limit: MAX_PAGE_SIZE, cursor });
    yield page.items.map((u) => userCsvLine(u, names)).join('');
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
