import { describe, expect, it } from 'vitest';
import type { Unit } from '../types.ts';

const at = '2025-01-01T00:00:00.000Z';
import { flattenTree, subtreeIds, unitPath } from './unit-tree.ts';

const units: Unit[] = [
  { id: 's2', name: 'store 2', parentId: 'north', createdAt: at },
  { id: 'hq', name: 'Head office', parentId: null, createdAt: at },
  { id: 'north', name: 'North', parentId: 'hq', createdAt: at },
  { id: 's1', name: 'Store 1', parentId: 'north', createdAt: at },
  { id: 'east', name: 'East', parentId: 'hq', createdAt: at },
  { id: 'orphan', name: 'Orphan', parentId: 'gone', createdAt: at },
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
      { id: 'a', name: 'A', parentId: 'b', createdAt: at },
      { id: 'b', name: 'B', parentId: 'a', createdAt: at },
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
