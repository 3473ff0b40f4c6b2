import type { Db } from '../../src/db/schema.ts';

/** One platform user as the reliability suites compare it: everything a sync decides. */
export interface SnapshotUser {
  email: string;
  firstName: string;
  lastName: string;
  status: string;
  deactivationReason: string | null;
  /** The Entra object id the user is linked to (ids are seeded, so equal across envs). */
  externalId: string | null;
  /** "unit: type, type (managed|manual)", sorted; names, not ids, so two envs compare. */
  memberships: string[];
}

/**
 * The organisation's whole directory in a form independent of generated ids and timestamps,
 * sorted by email, so two environments that synced the same tenant compare with toEqual.
 */
export async function directorySnapshot(db: Db, orgId: string): Promise<SnapshotUser[]> {
  const users = await db
    .selectFrom('users')
    .select([
      'id',
      'email',
      'first_name',
      'last_name',
      'status',
      'deactivation_reason',
      'source_external_id',
    ])
    .where('org_id', '=', orgId)
    .execute();
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('units as un', 'un.id', 'm.unit_id')
    .leftJoin('membership_user_types as mt', 'mt.membership_id', 'm.id')
    .leftJoin('user_types as t', 't.id', 'mt.user_type_id')
    .select(['m.id as membershipId', 'm.user_id as userId', 'un.name as unit', 't.name as type'])
    .select((eb) => eb('m.managed_by', 'is not', null).as('managed'))
    .where('u.org_id', '=', orgId)
    .execute();
  const byMembership = new Map<string, { userId: string; label: string; types: string[] }>();
  for (const r of rows) {
    const managed = Boolean(Number(r.managed));
    const m = byMembership.get(r.membershipId) ?? {
      userId: r.userId,
      label: `${r.unit} (${managed ? 'managed' : 'manual'})`,
      types: [],
    };
    if (r.type) m.types.push(r.type);
    byMembership.set(r.membershipId, m);
  }
  const byUser = new Map<string, string[]>();
  for (const m of byMembership.values()) {
    const list = byUser.get(m.userId) ?? [];
    list.push(`${m.label}: ${m.types.sort().join(', ')}`);
    byUser.set(m.userId, list);
  }
  return users
    .map((u) => ({
      email: u.email,
      firstName: u.first_name,
      lastName: u.last_name,
      status: u.status,
      deactivationReason: u.deactivation_reason,
      externalId: u.source_external_id,
      memberships: (byUser.get(u.id) ?? []).sort(),
    }))
    .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

/** Emails held by more than one user of the organisation (must always be empty). */
export async function duplicateEmails(db: Db, orgId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select(['email'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .groupBy('email')
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  return rows.map((r) => r.email);
}
