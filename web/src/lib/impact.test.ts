import { describe, expect, it } from 'vitest';
import { impactSentence, isRisky, type ImpactView } from './impact.ts';

const none: ImpactView = {
  moved: 0,
  unassigned: 0,
  placed: 0,
  deactivated: 0,
  reactivated: 0,
  created: 0,
  unassignedUsers: [],
  wouldHold: false,
  duplicateName: null,
};

describe('impactSentence', () => {
  it('says how many users move, lose their membership and are deactivated', () => {
    expect(impactSentence({ ...none, moved: 1454, unassigned: 2977 })).toBe(
      'This will move 1,454 users, unassign 2,977 users and deactivate 0 users.',
    );
    expect(impactSentence({ ...none, moved: 1, placed: 2 })).toBe(
      'This will move 1 user, unassign 0 users, place 2 users who have no unit now and deactivate 0 users.',
    );
  });
  it('is risky when it takes something away or the name is a duplicate', () => {
    expect(isRisky(none)).toBe(false);
    expect(isRisky({ ...none, moved: 5 })).toBe(false);
    expect(isRisky({ ...none, unassigned: 1 })).toBe(true);
    expect(isRisky({ ...none, duplicateName: 'Sales' })).toBe(true);
  });
});
