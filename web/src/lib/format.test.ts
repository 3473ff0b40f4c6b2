import { describe, expect, it } from 'vitest';
import { formatDuration } from './format.ts';

describe('formatDuration', () => {
  const start = '2026-01-05T09:00:00.000Z';
  const after = (ms: number): string => new Date(Date.parse(start) + ms).toISOString();

  it('says "under 1 s" for sub-second runs instead of "0 s"', () => {
    expect(formatDuration(start, after(400))).toBe('under 1 s');
  });

  it('shows seconds, then minutes with padded seconds', () => {
    expect(formatDuration(start, after(12_400))).toBe('12 s');
    expect(formatDuration(start, after(65_000))).toBe('1 min 05 s');
  });

  it('is empty while the run has not finished', () => {
    expect(formatDuration(start, null)).toBe('');
  });
});
