import { describe, expect, it } from 'vitest';
import { secretWarning, secretWarningText } from './secret-expiry.ts';

const now = new Date('2025-06-15T12:00:00Z');

describe('secretWarning', () => {
  it('uses the server’s verdict when it sends one', () => {
    expect(secretWarning({ secretExpiresAt: '2099-01-01', secretExpiry: null }, now)).toBeNull();
    expect(
      secretWarning({ secretExpiresAt: null, secretExpiry: { level: 'expired', days: 3 } }, now),
    ).toEqual({ level: 'expired', days: 3 });
  });

  it('warns 30 days before and after expiry, and not outside that window', () => {
    expect(secretWarning({ secretExpiresAt: '2025-07-15' }, now)).toEqual({
      level: 'expiring',
      days: 30,
    });
    expect(secretWarning({ secretExpiresAt: '2025-07-16' }, now)).toBeNull();
    expect(secretWarning({ secretExpiresAt: '2025-06-15' }, now)).toEqual({
      level: 'expiring',
      days: 0,
    });
    expect(secretWarning({ secretExpiresAt: '2025-05-16T00:00:00Z' }, now)).toEqual({
      level: 'expired',
      days: 30,
    });
    expect(secretWarning({ secretExpiresAt: '2025-05-15' }, now)).toBeNull();
    expect(secretWarning({ secretExpiresAt: null }, now)).toBeNull();
  });

  it('reads as a sentence', () => {
    expect(secretWarningText({ level: 'expiring', days: 1 })).toBe('Secret expires in 1 day');
    expect(secretWarningText({ level: 'expired', days: 4 })).toBe('Secret expired 4 days ago');
  });
});
