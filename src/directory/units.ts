import { newId } from '../db/ids.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Db, UnitsTable } from '../db/schema.ts';
import { nameKey } from './name-key.ts';
import type { Unit } from './types.ts';

function toUnit(row: UnitsTable): Unit {
  return { id: row.id, name: row.name, parentId: row.parent_id, createdAt: row.created_at };
}

/** Every unit of the organisation, ordered by name (units number in the thousands at most). */
export async function listUnits(db: Db, orgId: string): Promise<Unit[]> {
  const rows = await db
    .selectFrom('units')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('name_key')
    .orderBy('id')
    .execute();
  return rows.map(toUnit);
}

/** Memberships per unit: all of them, and those a synchronisation manages (issue 17). */
export interface UnitMemberCount {
  members: number;
  managed: number;
}

/**
 * How many memberships each unit of the organisation holds (users deactivated but not yet
 * purged included: their memberships come back on reactivation and block a delete too).
 * One grouped query on the memberships' unit index.
 */
export async function unitMemberCounts(
  db: Db,
  orgId: string,
): Promise<Map<string, UnitMemberCount>> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('units as u', 'u.id', 'm.unit_id')
    .select((eb) => [
      'm.unit_id as unitId',
      eb.fn.countAll<number>().as('members'),
      eb.fn.count<number>('m.managed_by').as('managed'),
    ])
    .where('u.org_id', '=', orgId)
    .groupBy('m.unit_id')
    .execute();
  return new Map(
    rows.map((r) => [r.unitId, { members: Number(r.members), managed: Number(r.managed) }]),
  );
}

/** The unit, or undefined when it does not exist in this organisation. */
export async function findUnit(db: Db, orgId: string, id: string): Promise<Unit | undefined> {
  const row = await db
    .selectFrom('units')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toUnit(row) : undefined;
}

/** The unit, or a 404 NotFoundError. */
export async function getUnit(db: Db, orgId: string, id: string): Promise<Unit> {
  const unit = await findUnit(db, orgId, id);
  if (!unit) throw new NotFoundError('Unit');
  return unit;
}

async function requireParent(db: Db, orgId: string, parentId: string): Promise<void> {
  if (!(await findUnit(db, orgId, parentId))) {
    throw new ValidationError('The parent unit does not exist', [
      { field: 'parentId', message: 'No unit with this id in your organisation' },
    ]);
  }
}

/** Creates a unit under `parentId` (or at the top when null/absent). */
export async function createUnit(
  db: Db,
  orgId: string,
  input: { name: string; parentId?: string | null | undefined },
  now: Date,
): Promise<Unit> {
  const parentId = input.parentId ?? null;
  if (parentId !== null) await requireParent(db, orgId, parentId);
  const name = input.name.trim();
  const row: UnitsTable = {
    id: newId(),
    org_id: orgId,
    name,
    name_key: nameKey(name),
    parent_id: parentId,
    created_at: now.toISOString(),
  };
  await db.insertInto('units').values(row).execute();
  return toUnit(row);
}

/**
 * True when `unitId` is `candidateParentId` or one of its ancestors, i.e. moving the unit
 * under that parent would close a loop. Walks up one level per query: trees are shallow.
 */
async function wouldCreateCycle(
  db: Db,
  orgId: string,
  unitId: string,
  candidateParentId: string,
): Promise<boolean> {
  const visited = new Set<string>();
  let current: string | null = candidateParentId;
  while (current !== null) {
    if (current === unitId) return true;
    // A loop already in the data (should not happen) must not hang the request.
    if (visited.has(current)) return true;
    visited.add(current);
    const row: { parent_id: string | null } | undefined = await db
      .selectFrom('units')
      .select('parent_id')
      .where('org_id', '=', orgId)
      .where('id', '=', current)
      .executeTakeFirst();
    current = row?.parent_id ?? null;
  }
  return false;
}

/** Renames and/or moves a unit. `parentId: null` moves it to the top; refuses cycles. */
export async function updateUnit(
  db: Db,
  orgId: string,
  id: string,
  patch: { name?: string | undefined; parentId?: string | null | undefined },
): Promise<Unit> {
  const unit = await getUnit(db, orgId, id);
  const changes: Partial<UnitsTable> = {};
  if (patch.name !== undefined) {
    const name = patch.name.trim();
    changes.name = name;
    changes.name_key = nameKey(name);
  }
  if (patch.parentId !== undefined && patch.parentId !== unit.parentId) {
    if (patch.parentId !== null) {
      await requireParent(db, orgId, patch.parentId);
      if (await wouldCreateCycle(db, orgId, id, patch.parentId)) {
        throw new ValidationError('A unit cannot be moved under itself or one of its sub-units', [
          { field: 'parentId', message: 'would create a cycle in the unit tree' },
        ]);
      }
    }
    changes.parent_id = patch.parentId;
  }
  if (Object.keys(changes).length > 0) {
    await db
      .updateTable('units')
      .set(changes)
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }
  return getUnit(db, orgId, id);
}

/**
 * Deletes a unit. Refused (409) while it still has sub-units (`unit_has_children`) or
 * members (`unit_has_members`), so no membership or subtree is lost by accident.
 */
export async function deleteUnit(db: Db, orgId: string, id: string): Promise<void> {
  await getUnit(db, orgId, id);
  const child = await db
    .selectFrom('units')
    .select('id')
    .where('parent_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  if (child) {
    throw new ConflictError(
      'unit_has_children',
      'This unit still has sub-units: move or delete them first',
    );
  }
  const count = await db
    .selectFrom('memberships')
    .select((eb) => [
      eb.fn.countAll<number>().as('members'),
      eb.fn.count<number>('managed_by').as('managed'),
    ])
    .where('unit_id', '=', id)
    .executeTakeFirst();
  const members = Number(count?.members ?? 0);
  if (members > 0) {
    throw new ConflictError(
      'unit_has_members',
      unitHasMembersMessage(members, Number(count?.managed ?? 0)),
    );
  }
  await db.deleteFrom('units').where('org_id', '=', orgId).where('id', '=', id).execute();
}

/**
 * Why a unit with members cannot be deleted, and what to do (issue 17): manual memberships are
 * removed on each user's page; managed ones follow Entra, so the unit is needed as long as
 * the mapping places users there.
 */
export function unitHasMembersMessage(members: number, managed: number): string {
  const manual = members - managed;
  const parts = [`This unit has ${members} ${members === 1 ? 'membership' : 'memberships'}.`];
  if (manual > 0) {
    parts.push(
      `Remove the ${manual} added in the platform on each user's page (Users → filter by this unit).`,
    );
  }
  if (managed > 0) {
    parts.push(
      `${managed} ${managed === 1 ? 'is' : 'are'} managed by a synchronisation and follow${managed === 1 ? 's' : ''} Entra: the unit cannot be deleted while the mapping still places users here. Change those users' unit field in Entra (or the integration's unit field), let a run move them, then delete the unit.`,
    );
  }
  return parts.join(' ');
}
