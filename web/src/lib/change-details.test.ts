import { describe, expect, it } from 'vitest';
import { describeChange } from './change-details.ts';

describe('describeChange', () => {
  it('lists only the fields that changed', () => {
    expect(
      describeChange({
        before: { firstName: 'Ada', lastName: 'Byron', unit: null },
        after: { firstName: 'Ada', lastName: 'Lovelace', unit: 'North' },
      }),
    ).toEqual({
      reason: null,
      diffs: [
        { field: 'lastName', before: 'Byron', after: 'Lovelace' },
        { field: 'unit', before: '—', after: 'North' },
      ],
    });
  });

  it('shows a reason, and any other shape as JSON', () => {
    expect(describeChange({ reason: 'surname is empty' })).toEqual({
      diffs: [],
      reason: 'surname is empty',
    });
    expect(describeChange({ unitValue: 'A, B' })).toEqual({
      diffs: [],
      reason: '{"unitValue":"A, B"}',
    });
    expect(describeChange(null)).toEqual({ diffs: [], reason: null });
  });
});
