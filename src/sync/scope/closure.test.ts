import { describe, expect, it } from 'vitest';
import { groupClosure } from './closure.ts';

describe('groupClosure (pure)', () => {
  it('follows nested groups to any depth, once each, cycles included', () => {
    const edges = [
      { groupId: 'a', memberId: 'b' },
      { groupId: 'b', memberId: 'c' },
      { groupId: 'c', memberId: 'a' },
      { groupId: 'x', memberId: 'y' },
    ];
    expect(groupClosure(['a'], edges)).toEqual(['a', 'b', 'c']);
    expect(groupClosure(['c', 'x'], edges)).toEqual(['a', 'b', 'c', 'x', 'y']);
    expect(groupClosure([], edges)).toEqual([]);
  });
});
