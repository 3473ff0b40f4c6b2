import { describe, expect, it } from 'vitest';
import { secretExpiryWarning } from './secret-expiry.ts';

const at = (isoString: string) => new Date(isoString);

describe('secretExpiryWarning', () => {
  it('says nothing without a date', () => {
    expect(secretExpiryWarning(null, at('2026-03-01T12:00:00Z'))).toBeNull();
  });

  it('says nothing more than 30 days before expiry', () => {
    expect(secretExpiryWarning('2026-04-01', at('2026-03-01T23:59:59Z'))).toBeNull(); // 31 days
  });

  it('warns from 30 days before until the expiry day itself', () => {
    expect(secretExpiryWarning('2026-03-31', at('2026-03-01T00:00:00Z'))).toEqual({
      level: 'expiring',
      days: 30,
    });
    expect(secretExpiryWarning('2026-03-02', at('2026-03-01T23:00:00Z'))).toEqual({
      level: 'expiring',
      days: 1,
    });
    expect(secretExpiryWarning('2026-03-01', at('2026-03-01T23:59:59Z'))).toEqual({
      level: 'expiring',
      days: 0,
    });
  });

  it('reports expired from the day after, for 30 days', () => {
    expect(secretExpiryWarning('2026-03-01', at('2026-03-02T00:00:00Z'))).toEqual({
      level: 'expired',
      days: 1,
    });
    expect(secretExpiryWarning('2026-03-01', at('2026-03-31T10:00:00Z'))).toEqual({
      level: 'expired',
      days: 30,
    });
    expect(secretExpiryWarning('2026-03-01', at('2026-04-01T00:00:00Z'))).toBeNull();
  });

  it('counts calendar days in UTC across month and leap-year boundaries', () => {
    expect(secretExpiryWarning('2028-03-01', at('2028-02-28T18:00:00Z'))).toEqual({
      level: 'expiring',
      days: 2,
    });
  });

  it('ignores an unreadable date rather than throwing', () => {
    expect(secretExpiryWarning('not-a-date', at('2026-03-01T00:00:00Z'))).toBeNull();
  });
});
