import { describe, expect, it } from 'vitest';
import { buildConfig } from './config.ts';
import {
  addPreviewUser,
  finishPreview,
  PREVIEW_VALUES_TRACKED,
  recommend,
  startPreview,
  type FieldRate,
} from './field-preview.ts';

const settings = {
  unitField: 'department' as const,
  userTypeField: 'jobTitle' as const,
  includeGuests: false,
  deactivateDisabledUsers: true,
  exclusionRules: [],
  groupScope: false,
};
const config = buildConfig(
  settings,
  [
    { id: 'u1', name: 'Sales' },
    { id: 'u2', name: 'Oslo' },
  ],
  [{ id: 't1', name: 'Employee' }],
);

function rate(field: FieldRate['field'], unitMatched: number, userTypeMatched: number): FieldRate {
  return { field, unitMatched, userTypeMatched };
}

describe('field preview (pure)', () => {
  it('counts values case-insensitively under their first spelling, largest first', () => {
    const t = startPreview('department', 'jobTitle');
    for (const d of ['Sales', ' sales ', 'SALES', 'Nowhere', null]) {
      addPreviewUser(
        t,
        { id: String(Math.random()), department: d, jobTitle: 'employee, x' },
        config,
      );
    }
    const p = finishPreview(t, config);
    expect(p.unit.values.map((v) => [v.value, v.users, v.outcome])).toEqual([
      ['Sales', 3, 'matched'],
      [null, 1, 'empty'],
      ['Nowhere', 1, 'no-unit'],
    ]);
    expect(p.userTypes.values[0]?.parts).toEqual([
      { name: 'employee', matched: true },
      { name: 'x', matched: false },
    ]);
  });

  it('stays bounded on a field unique per user', () => {
    const t = startPreview('streetAddress', 'jobTitle');
    for (let i = 0; i < PREVIEW_VALUES_TRACKED + 10; i++) {
      addPreviewUser(t, { id: `${i}`, streetAddress: `${i} Main St` }, config);
    }
    const p = finishPreview(t, config);
    expect(p.unit.distinctValues).toBe(PREVIEW_VALUES_TRACKED);
    expect(p.unit.untrackedUsers).toBe(10);
    expect(p.unit.values).toHaveLength(200);
  });

  it('recommends two different fields, keeping the current pair on a tie', () => {
    const current = { unitField: 'department' as const, userTypeField: 'jobTitle' as const };
    expect(
      recommend([rate('department', 5, 0), rate('jobTitle', 0, 5), rate('city', 5, 0)], current),
    ).toEqual(current);
    expect(
      recommend([rate('department', 1, 0), rate('jobTitle', 0, 5), rate('city', 5, 5)], current),
    ).toEqual({
      unitField: 'city',
      userTypeField: 'jobTitle',
    });
  });
});
