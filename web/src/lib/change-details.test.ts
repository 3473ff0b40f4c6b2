import { describe, expect, it } from 'vitest';
import { describeChange } from './change-details.ts';

describe('describeChange (the engine’s ChangeDetails in words)', () => {
  it('an update lists each field before → after, membership in words', () => {
    const d = describeChange('update', {
      changes: [
        { field: 'lastName', before: 'Byron', after: 'Lovelace' },
        { field: 'membership', before: 'Retail: Team Lead', after: null },
      ],
      notes: ['unit "Stores" ignored: 2 units share that name'],
    });
    expect(d.diffs).toEqual([
      { field: 'Last name', before: 'Byron', after: 'Lovelace' },
      { field: 'Membership', before: 'Retail: Team Lead', after: 'no managed membership' },
    ]);
    expect(d.notes).toEqual(['unit "Stores" ignored: 2 units share that name']);
    expect(d.summary).toBeNull();
  });

  it('a reactivation with no field change still says what happened', () => {
    expect(describeChange('reactivate', { changes: [] }).summary).toMatch(/back in Entra/);
  });

  it('a creation without membership says unassigned and keeps the reason', () => {
    const d = describeChange('create', {
      after: { firstName: 'Ann', lastName: 'Lee', email: 'ann@x.test', membership: null },
      notes: ['user types ignored (no such user type): Buyer'],
    });
    expect(d.summary).toMatch(/unassigned/);
    expect(d.diffs.find((x) => x.field === 'Membership')?.after).toBe('no managed membership');
    expect(d.notes).toEqual(['user types ignored (no such user type): Buyer']);
  });

  it('held rows say what waits for approval, with the reason', () => {
    const held = describeChange('held', {
      held: 'unassignment',
      reason: 'the managed membership would be removed: no unit matched',
      changes: [{ field: 'membership', before: 'Sales: Employee', after: null }],
    });
    expect(held.summary).toMatch(/lose the managed membership/);
    expect(held.reason).toMatch(/no unit matched/);
    expect(describeChange('held', { held: 'deactivation', reason: 'x' }).summary).toMatch(
      /deactivated/,
    );
  });

  it('a skip keeps its reason; unreadable details say so', () => {
    expect(describeChange('skip', { reason: 'not created: no last name' }).reason).toBe(
      'not created: no last name',
    );
    expect(describeChange('skip', { raw: '{' }).reason).toMatch(/could not be read/);
    expect(describeChange('skip', null).diffs).toEqual([]);
  });
});
