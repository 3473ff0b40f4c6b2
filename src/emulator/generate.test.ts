import { describe, expect, it } from 'vitest';
import { GENERATOR_RATES, generateUsers, mailSafe } from './generate.ts';
import { DEPARTMENTS, JOB_TITLES } from './vocabulary.ts';
import { newGeneratorState } from './generate.ts';
import type { EmulatedUser } from './types.ts';

const DOMAIN = 'contoso.onmicrosoft.com';

function batch(n: number, seed: number): EmulatedUser[] {
  return [...generateUsers(n, seed, DOMAIN)];
}

describe('generateUsers', () => {
  it('is deterministic: same seed → same users, other seed → other users', () => {
    expect(batch(500, 11)).toEqual(batch(500, 11));
    expect(batch(50, 12)[0]).not.toEqual(batch(50, 11)[0]);
  });

  it('a second batch on the same state repeats neither ids nor UPNs', () => {
    const state = newGeneratorState();
    const users = [
      ...generateUsers(3000, 5, DOMAIN, state),
      ...generateUsers(3000, 5, DOMAIN, state),
    ];
    expect(new Set(users.map((u) => u.id)).size).toBe(6000);
    expect(new Set(users.map((u) => u.userPrincipalName)).size).toBe(6000);
  });

  it('has realistic, skewed proportions and the irregular cases', () => {
    const users = batch(20_000, 1);
    const share = (f: (u: EmulatedUser) => boolean): number =>
      users.filter(f).length / users.length;
    const near = (actual: number, expected: number): void => {
      expect(actual).toBeGreaterThan(expected * 0.6);
      expect(actual).toBeLessThan(expected * 1.4 + 0.002);
    };
    near(
      share((u) => u.userType === 'Guest'),
      GENERATOR_RATES.guest,
    );
    near(
      share((u) => u.accountEnabled === false),
      GENERATOR_RATES.disabled,
    );
    near(
      share((u) => u.givenName === null),
      GENERATOR_RATES.noGivenName,
    );
    near(
      share((u) => u.surname === null),
      GENERATOR_RATES.noSurname,
    );
    near(
      share((u) => u.userType === 'Member' && u.mail === null),
      GENERATOR_RATES.noMail * (1 - GENERATOR_RATES.guest),
    );
    expect(share((u) => u.jobTitle?.includes(',') ?? false)).toBeGreaterThan(0.004);
    expect(share((u) => u.department?.includes(',') ?? false)).toBeGreaterThan(0.001);

    const guests = users.filter((u) => u.userType === 'Guest');
    expect(guests.every((u) => u.userPrincipalName.includes('#EXT#'))).toBe(true);
    const mails = users.map((u) => u.mail).filter((m): m is string => m !== null);
    expect(new Set(mails).size).toBeLessThan(mails.length);

    // Skew: the first department is far more common than the last.
    const count = (d: string): number => users.filter((u) => u.department === d).length;
    expect(count(DEPARTMENTS[0] as string)).toBeGreaterThan(
      5 * count(DEPARTMENTS.at(-1) as string),
    );
    const titles = new Set(users.map((u) => u.jobTitle));
    expect(JOB_TITLES.every((t) => titles.has(t))).toBe(true);
    expect(users.some((u) => /[^ -~]/.test(u.givenName ?? ''))).toBe(true);
    expect(users.every((u) => /^[\x21-\x7e]+$/.test(u.userPrincipalName))).toBe(true);
  });

  it('makes ASCII mail local parts from non-ASCII names', () => {
    expect(mailSafe('Łukasz')).toBe('lukasz');
    expect(mailSafe('Søren')).toBe('soren');
    expect(mailSafe('Zoë')).toBe('zoe');
    expect(mailSafe("O'Brien")).toBe('obrien');
  });
});
