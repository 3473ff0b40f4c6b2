import type { Unit as ApiUnit, UnitWithCounts } from '../types.ts';

/** What the tree needs of a unit (GET /units adds counts, which the rows keep). */
type Unit = Pick<ApiUnit, 'id' | 'name' | 'parentId'>;

/** A unit with its depth in the tree, in display order. */
export interface TreeRow<U extends Unit = UnitWithCounts> {
  unit: U;
  depth: number;
}

const byName = (a: Unit, b: Unit): number =>
  a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

/**
 * The unit tree flattened depth-first, children sorted by name. Units whose parent is
 * unknown are shown as roots, so nothing disappears; cycles cannot hide units either.
 */
export function flattenTree<U extends Unit>(units: U[]): TreeRow<U>[] {
  const ids = new Set(units.map((u) => u.id));
  const children = new Map<string | null, U[]>();
  for (const unit of units) {
    const parent = unit.parentId && ids.has(unit.parentId) ? unit.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(unit);
    children.set(parent, list);
  }
  const rows: TreeRow<U>[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null, depth: number): void => {
    for (const unit of [...(children.get(parent) ?? [])].sort(byName)) {
      if (seen.has(unit.id)) continue;
      seen.add(unit.id);
      rows.push({ unit, depth });
      visit(unit.id, depth + 1);
    }
  };
  visit(null, 0);
  // Units only reachable through a cycle: list them at the root rather than lose them.
  for (const unit of [...units].sort(byName)) {
    if (!seen.has(unit.id)) {
      seen.add(unit.id);
      rows.push({ unit, depth: 0 });
      visit(unit.id, 1);
    }
  }
  return rows;
}

/** The ids of a unit and everything below it: invalid new parents for that unit. */
export function subtreeIds(units: Unit[], rootId: string): Set<string> {
  const result = new Set<string>([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const unit of units) {
      if (unit.parentId && result.has(unit.parentId) && !result.has(unit.id)) {
        result.add(unit.id);
        grew = true;
      }
    }
  }
  return result;
}

/** "Head office › North › Store 12" for a unit id, or the id itself when unknown. */
export function unitPath(units: Unit[], unitId: string): string {
  const byId = new Map(units.map((u) => [u.id, u]));
  const names: string[] = [];
  const seen = new Set<string>();
  let current = byId.get(unitId);
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    names.unshift(current.name);
    current = current.parentId ? byId.get(current.parentId) : undefined;
  }
  return names.length ? names.join(' › ') : unitId;
}
