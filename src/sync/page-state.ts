import type { Selectable } from 'kysely';
import { inListChunks } from '../db/chunks.ts';
import type { Db, UsersTable } from '../db/schema.ts';
import { loadMemberships } from '../directory/memberships.ts';
import type { CurrentUser, ManagedMembership, PageState } from './plan.ts';

/**
 * Loads, in a handful of set-based queries, the platform users one page of Entra users can
 * touch: those linked to the page's object ids and those holding the page's emails.
 */
export async function loadPageState(
  db: Db,
  orgId: string,
  integrationId: string,
  externalIds: readonly string[],
  emails: readonly string[],
): Promise<PageState> {
  const rows = new Map<string, Selectable<UsersTable>>();
  for (const ids of inListChunks(db, externalIds, 1000)) {
    const found = await db
      .selectFrom('users')
      .selectAll()
      .where('source_integration_id', '=', integrationId)
      .where('source_external_id', 'in', ids)
      .execute();
    for (const r of found) rows.set(r.id, r);
  }
  for (const list of inListChunks(db, [...new Set(emails)], 1000)) {
    const found = await db
      .selectFrom('users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('email', 'in', list)
      .execute();
    for (const r of found) rows.set(r.id, r);
  }
  const memberships = await loadMemberships(db, [...rows.keys()]);
  const linked = new Map<string, CurrentUser>();
  const byEmail = new Map<string, CurrentUser>();
  for (const r of rows.values()) {
    const m = memberships.get(r.id) ?? [];
    let managed: ManagedMembership | null = null;
    const otherUnitIds: string[] = [];
    let otherAssigned = false;
    for (const x of m) {
      if (x.managedBy === integrationId) {
        managed = { unitId: x.unitId, userTypeIds: [...x.userTypeIds].sort() };
      } else {
        otherUnitIds.push(x.unitId);
        if (x.userTypeIds.length) otherAssigned = true;
      }
    }
    const user: CurrentUser = {
      id: r.id,
      firstName: r.first_name,
      lastName: r.last_name,
      email: r.email,
      status: r.status,
      deactivationReason: r.deactivation_reason,
      sourceIntegrationId: r.source_integration_id,
      sourceExternalId: r.source_external_id,
      managed,
      otherUnitIds,
      otherAssigned,
    };
    byEmail.set(user.email, user);
    if (r.source_integration_id === integrationId && r.source_external_id) {
      linked.set(r.source_external_id, user);
    }
  }
  return { linked, byEmail };
}
