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
  const member = await db
    .selectFrom('memberships')
    .select('id')
    .where('unit_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  if (member) {
    throw new ConflictError(
      'unit_has_members',
      'This unit still has members: remove their memberships first',
    );
  }
  await db.deleteFrom('units').where('org_id', '=', orgId).where('id', '=', id).execute();
}
