import { describe, expect, it } from 'vitest';
import { formatCount, formatDateTime, formatDuration } from './format.ts';

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

describe('formatDateTime and formatCount', () => {
  it('names the time zone, in one layout whatever the zone', () => {
    const iso = '2026-01-05T09:07:00.000Z';
    expect(formatDateTime(iso, 'UTC')).toBe('2026-01-05 09:07 UTC');
    expect(formatDateTime(iso, 'America/New_York')).toMatch(/^2026-01-05 04:07 (EST|GMT-5)$/);
    expect(formatDateTime(iso, 'Europe/Paris')).toMatch(/^2026-01-05 10:07 (CET|GMT\+1)$/);
    expect(formatDateTime(null)).toBe('—');
  });

  it('writes counts with thousands separators', () => {
    expect(formatCount(2714)).toBe('2,714');
    expect(formatCount(1_000_000)).toBe('1,000,000');
    expect(formatCount(7)).toBe('7');
  });
});
