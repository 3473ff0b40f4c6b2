import { describe, expect, it } from 'vitest';
import type { Unit } from '../types.ts';
import { flattenTree, subtreeIds, unitPath } from './unit-tree.ts';

const units: Unit[] = [
  { id: 's2', name: 'store 2', parentId: 'north' },
  { id: 'hq', name: 'Head office', parentId: null },
  { id: 'north', name: 'North', parentId: 'hq' },
  { id: 's1', name: 'Store 1', parentId: 'north' },
  { id: 'east', name: 'East', parentId: 'hq' },
  { id: 'orphan', name: 'Orphan', parentId: 'gone' },
];

describe('flattenTree', () => {
  it('lists units depth-first, children by name, orphans as roots', () => {
    expect(flattenTree(units).map((r) => `${r.depth}:${r.unit.id}`)).toEqual([
      '0:hq',
      '1:east',
      '1:north',
      '2:s1',
      '2:s2',
      '0:orphan',
    ]);
  });

  it('never loses units caught in a cycle', () => {
    const cyclic: Unit[] = [
      { id: 'a', name: 'A', parentId: 'b' },
      { id: 'b', name: 'B', parentId: 'a' },
    ];
    expect(
      flattenTree(cyclic)
        .map((r) => r.unit.id)
        .sort(),
    ).toEqual(['a', 'b']);
  });
});

describe('subtreeIds and unitPath', () => {
  it('finds a unit and all its descendants', () => {
    expect([...subtreeIds(units, 'north')].sort()).toEqual(['north', 's1', 's2']);
    expect([...subtreeIds(units, 's1')]).toEqual(['s1']);
  });

  it('names a unit by its path', () => {
    expect(unitPath(units, 's1')).toBe('Head office › North › Store 1');
    expect(unitPath(units, 'unknown')).toBe('unknown');
  });
});
