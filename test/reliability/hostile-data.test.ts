import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import type { EmulatedUser } from '../../src/emulator/index.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';
import { duplicateEmails } from './snapshot.ts';

const LONG = 'x'.repeat(10_000);
const UNITS = ['Sales', 'Sales, EMEA', 'München', 'Oslo', 'OSLO', 'שלום', 'Café'];
const TYPES = ['Employee', 'Manager', 'Café', 'Ünïcödé'];

/** Strings an Entra tenant can hold in any text property, the nastier the better. */
const hostileText: fc.Arbitrary<string | null> = fc.oneof(
  fc.constant(null),
  fc.constantFrom(
    '',
    ' ',
    '\t\n',
    ',',
    ' , , ',
    LONG,
    `${LONG},${LONG}`,
    'Sales, EMEA',
    ' sales , emea ',
    'München',
    'Mu\u0308nchen',
    'OSLO',
    'Employee,Manager,,Employee',
    ' manager ,  EMPLOYEE ',
    '\u0000',
    '\u202eevil',
    '😀😀😀',
    'שלום',
    '"; drop table users; --',
    '%_\\',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

/** Emails and UPNs: odd, duplicate (by case and spacing), guest-style and plain invalid. */
const hostileMail: fc.Arbitrary<string | null> = fc.oneof(
  fc.constant(null),
  fc.constantFrom(
    '',
    ' ',
    '@',
    'a@',
    '@b',
    'dup@contoso.test',
    'DUP@Contoso.Test',
    ' dup@contoso.test ',
    'a,b@contoso.test',
    'with space@contoso.test',
    'ünï@cödé.test',
    `${'l'.repeat(300)}@contoso.test`,
    'guest_example.com#EXT#@contoso.onmicrosoft.com',
    'x@y@z',
  ),
  fc.emailAddress(),
);

const hostileUser: fc.Arbitrary<Partial<EmulatedUser>> = fc.record({
  givenName: hostileText,
  surname: hostileText,
  displayName: hostileText,
  mail: hostileMail,
  userPrincipalName: fc.oneof(
    fc.constantFrom('dup@contoso.test', 'guest_x.com#EXT#@contoso.onmicrosoft.com', ' ', ''),
    fc.emailAddress(),
  ),
  accountEnabled: fc.constantFrom(true, false, null),
  userType: fc.constantFrom<'Member' | 'Guest'>('Member', 'Member', 'Guest'),
  jobTitle: hostileText,
  department: hostileText,
  companyName: hostileText,
  city: hostileText,
});

interface ChangeRow {
  action: string;
  details: string;
}

/**
 * Issue 7 §4: a tenant full of hostile users (property-generated with a fixed seed, plus a
 * few that must sync fine) → full and incremental runs succeed, no duplicate emails, and
 * every skip in the change log says why.
 */
describeEachDialect('reliability: hostile data', (dialect) => {
  let env: SyncEnv | undefined;
  afterEach(async () => env?.close());

  async function changeLog(runId: string): Promise<ChangeRow[]> {
    if (!env) throw new Error('no env');
    return env.db.db
      .selectFrom('run_changes')
      .select(['action', 'details'])
      .where('run_id', '=', runId)
      .execute();
  }

  function expectReasons(rows: ChangeRow[], skipped: number): void {
    const skips = rows.filter((r) => r.action === 'skip');
    // A counted skip without a log row would be a skip without a reason.
    expect(skips.length).toBe(skipped);
    for (const s of skips) {
      const details = JSON.parse(s.details) as { reason?: unknown };
      expect(typeof details.reason, s.details).toBe('string');
      expect(String(details.reason).trim().length, s.details).toBeGreaterThan(0);
    }
  }

  it('full and incremental runs over hostile users succeed and explain every skip', async () => {
    env = await createSyncEnv(dialect, {
      units: UNITS,
      userTypes: TYPES,
      includeGuests: true,
      deletionThreshold: 0,
      emulator: { deltaPageSize: 60 },
    });
    const tenant = env.emulator.tenant;
    const generated = fc.sample(hostileUser, { seed: 20260105, numRuns: 400 });
    const ids = generated.map((u) => tenant.addUser(u).id);
    tenant.addUser({ givenName: 'Plain', surname: 'Person', mail: 'plain@contoso.test' });

    const full = await env.run({ full: true });
    expect(full.status, JSON.stringify(full.error)).toBe('succeeded');
    expect(full.counts.skipped).toBeGreaterThan(0);
    expect(full.counts.created).toBeGreaterThan(0);
    expectReasons(await changeLog(full.id), full.counts.skipped);
    expect(await duplicateEmails(env.db.db, env.orgId)).toEqual([]);

    // Every hostile user changes again: names go blank, emails collide, fields get longer.
    const again = fc.sample(hostileUser, { seed: 7, numRuns: ids.length });
    ids.forEach((id, i) => tenant.updateUser(id, again[i] ?? {}));
    const inc = await env.run();
    expect(inc.status, JSON.stringify(inc.error)).toBe('succeeded');
    expect(inc.mode).toBe('incremental');
    expectReasons(await changeLog(inc.id), inc.counts.skipped);
    expect(await duplicateEmails(env.db.db, env.orgId)).toEqual([]);

    const plain = await env.api('GET', '/users?email=plain@contoso.test');
    expect((plain.body as { items: unknown[] }).items).toHaveLength(1);
  });
});
