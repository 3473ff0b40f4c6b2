import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import type { EmulatedUser } from '../../src/emulator/index.ts';
import type { Run } from '../../src/sync/run-record.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv, type SyncEnvOptions } from '../helpers/sync-env.ts';

/**
 * Issue 10 ("the directory always converges"), reproductions 1–8 of its "Why" list and the
 * per-user explanation (SPEC §5.12–5.15), each through the REST API on both dialects. After
 * the first sync (Initiate synchronisation, `full: true`) only ordinary incremental runs are
 * used, as the schedule does; platform and settings changes are followed by `env.idle()`,
 * which waits for the reconcile they queue (trigger `settings`, mode `reconcile`).
 */

/** A platform user as the REST API returns it (SPEC §6), with the explanation of §5.15. */
interface ApiUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  status: 'active' | 'deactivated';
  assigned: boolean;
  source: { integrationId: string; externalId: string } | null;
  memberships: { unitId: string; userTypeIds: string[]; managedBy: string | null }[];
  sync?: {
    integrationId: string;
    entra: Record<string, unknown>;
    unit: {
      field: string;
      value: string | null;
      outcome: string;
      unitId: string | null;
      reason: string | null;
    };
    userTypes: { field: string; value: string | null; matched: string[]; unmatched: string[] };
  };
}

interface ApiRunChange {
  action: string;
  subject: string;
  externalId: string | null;
  userId: string | null;
  details: Record<string, unknown>;
}

describeEachDialect('convergence (issue 10) through the REST API', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  async function setup(options: SyncEnvOptions = {}): Promise<SyncEnv> {
    env = await createSyncEnv(dialect, { backgroundRuns: true, ...options });
    return env;
  }

  function person(given: string, surname: string, extra: Partial<EmulatedUser> = {}): EmulatedUser {
    const mail = `${given}.${surname}@contoso.test`.toLowerCase();
    return env.emulator.tenant.addUser({ givenName: given, surname, mail, ...extra });
  }

  async function userByEmail(email: string): Promise<ApiUser | undefined> {
    const res = await env.api('GET', `/users?email=${encodeURIComponent(email)}`);
    expect(res.status).toBe(200);
    return (res.body as { items: ApiUser[] }).items[0];
  }

  async function mustUser(email: string): Promise<ApiUser> {
    const u = await userByEmail(email);
    if (!u) throw new Error(`no platform user ${email}`);
    return u;
  }

  async function userById(id: string): Promise<ApiUser> {
    const res = await env.api('GET', `/users/${id}`);
    expect(res.status).toBe(200);
    return res.body as ApiUser;
  }

  async function changes(runId: string): Promise<ApiRunChange[]> {
    const res = await env.api('GET', `/runs/${runId}/changes?limit=500`);
    expect(res.status).toBe(200);
    return (res.body as { items: ApiRunChange[] }).items;
  }

  async function runById(runId: string): Promise<Run> {
    const res = await env.api('GET', `/runs/${runId}`);
    expect(res.status).toBe(200);
    return res.body as Run;
  }

  async function runs(): Promise<Run[]> {
    const res = await env.api('GET', `/integrations/${env.integrationId}/runs?limit=200`);
    expect(res.status).toBe(200);
    return (res.body as { items: Run[] }).items;
  }

  async function patchIntegration(body: Record<string, unknown>): Promise<void> {
    const res = await env.api('PATCH', `/integrations/${env.integrationId}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  async function createUnit(name: string, parentId?: string): Promise<string> {
    const res = await env.api('POST', '/units', { name, ...(parentId ? { parentId } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { id: string }).id;
  }

  async function createUserType(name: string): Promise<string> {
    const res = await env.api('POST', '/user-types', { name });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { id: string }).id;
  }

  function managed(u: ApiUser) {
    return u.memberships.filter((m) => m.managedBy !== null);
  }

  /**
   * The reconcile a platform or settings change queued has run (SPEC §5.12). Soft: the
   * test goes on to the next ordinary run, whose result is the reproduction.
   */
  async function expectSettingsRun(): Promise<void> {
    const settings = (await runs()).filter((r) => (r.trigger as string) === 'settings');
    expect.soft(settings.length, 'a run with trigger "settings"').toBeGreaterThan(0);
    expect.soft(settings[0], 'the settings run').toMatchObject({
      mode: 'reconcile',
      status: 'succeeded',
    });
  }

  // ── Reproduction 1: platform changes reach users whose Entra record did not change ──

  it('1a. creating the missing user type assigns the unassigned "Cashier" at once', async () => {
    await setup({ units: ['Sales'], userTypes: ['Employee'] });
    person('Carl', 'Cash', { department: 'Sales', jobTitle: 'Cashier' });
    await env.run({ full: true });
    expect(await mustUser('carl.cash@contoso.test')).toMatchObject({ assigned: false });

    const cashier = await createUserType('Cashier');
    await env.idle();
    await expectSettingsRun();
    const want = [
      { unitId: env.units.get('Sales'), userTypeIds: [cashier], managedBy: env.integrationId },
    ];
    const placed = await mustUser('carl.cash@contoso.test');
    expect.soft(placed.assigned, 'assigned at once').toBe(true);
    expect.soft(managed(placed), 'placed at once').toEqual(want);
    // The issue: the next ordinary run changed nothing. It must place (or keep) the user.
    expect((await env.run()).status).toBe('succeeded');
    expect(managed(await mustUser('carl.cash@contoso.test'))).toEqual(want);
  });

  it('1b. creating the missing unit "Odense Store" places its users at once', async () => {
    await setup({ units: ['Sales'], userTypes: ['Employee'] });
    person('Olga', 'Odense', { department: 'Odense Store', jobTitle: 'Employee' });
    await env.run({ full: true });
    expect(await mustUser('olga.odense@contoso.test')).toMatchObject({ assigned: false });

    const odense = await createUnit('Odense Store');
    await env.idle();
    await expectSettingsRun();
    const want = [
      {
        unitId: odense,
        userTypeIds: [env.userTypes.get('Employee')],
        managedBy: env.integrationId,
      },
    ];
    expect.soft(managed(await mustUser('olga.odense@contoso.test')), 'at once').toEqual(want);
    await env.run();
    expect(managed(await mustUser('olga.odense@contoso.test'))).toEqual(want);
  });

  it('1c. renaming a unit: members whose value no longer matches leave, matching users join', async () => {
    await setup({ units: ['Sales', 'Support'], userTypes: ['Employee'] });
    person('Stay', 'Sales', { department: 'Sales', jobTitle: 'Employee' });
    person('Come', 'Copenhagen', { department: 'Copenhagen Store', jobTitle: 'Employee' });
    await env.run({ full: true });
    const salesId = env.units.get('Sales') as string;
    expect(managed(await mustUser('stay.sales@contoso.test'))[0]?.unitId).toBe(salesId);
    expect((await mustUser('come.copenhagen@contoso.test')).assigned).toBe(false);

    const renamed = await env.api('PATCH', `/units/${salesId}`, { name: 'Copenhagen Store' });
    expect(renamed.status).toBe(200);
    await env.idle();
    await expectSettingsRun();
    const want = [
      {
        unitId: salesId,
        userTypeIds: [env.userTypes.get('Employee')],
        managedBy: env.integrationId,
      },
    ];
    const left = await mustUser('stay.sales@contoso.test');
    expect.soft(managed(left), 'left at once').toEqual([]);
    expect.soft(left.assigned, 'unassigned at once').toBe(false);
    expect
      .soft(managed(await mustUser('come.copenhagen@contoso.test')), 'joined at once')
      .toEqual(want);
    await env.run();
    expect(managed(await mustUser('stay.sales@contoso.test'))).toEqual([]);
    expect(managed(await mustUser('come.copenhagen@contoso.test'))).toEqual(want);
  });

  it('1d. renaming a user type: holders whose value no longer matches lose it, matching users gain it', async () => {
    await setup({ units: ['Sales'], userTypes: ['Employee', 'Manager'] });
    person('Emma', 'Employee', { department: 'Sales', jobTitle: 'Employee' });
    person('Stan', 'Staff', { department: 'Sales', jobTitle: 'Staff, Manager' });
    await env.run({ full: true });
    const employeeId = env.userTypes.get('Employee') as string;
    const managerId = env.userTypes.get('Manager') as string;
    expect(managed(await mustUser('stan.staff@contoso.test'))[0]?.userTypeIds).toEqual([managerId]);

    const renamed = await env.api('PATCH', `/user-types/${employeeId}`, { name: 'Staff' });
    expect(renamed.status).toBe(200);
    await env.idle();
    await expectSettingsRun();
    // "Employee" no longer names a user type: Emma keeps no user type, so no managed membership.
    expect.soft(managed(await mustUser('emma.employee@contoso.test')), 'at once').toEqual([]);
    expect
      .soft(managed(await mustUser('stan.staff@contoso.test'))[0]?.userTypeIds, 'at once')
      .toEqual([employeeId, managerId].sort());
    await env.run();
    expect(managed(await mustUser('emma.employee@contoso.test'))).toEqual([]);
    expect((await mustUser('emma.employee@contoso.test')).assigned).toBe(false);
    expect(managed(await mustUser('stan.staff@contoso.test'))[0]?.userTypeIds).toEqual(
      [employeeId, managerId].sort(),
    );
  });

  it('1e. deleting the empty twin of an ambiguous unit name places its users at once', async () => {
    await setup({ units: ['Sales', 'Support'], userTypes: ['Employee'] });
    const kept = await createUnit('Warehouse', env.units.get('Sales'));
    const twin = await createUnit('Warehouse', env.units.get('Support'));
    person('Wanda', 'Ware', { department: 'Warehouse', jobTitle: 'Employee' });
    await env.run({ full: true });
    expect((await mustUser('wanda.ware@contoso.test')).assigned).toBe(false);

    expect((await env.api('DELETE', `/units/${twin}`)).status).toBe(204);
    await env.idle();
    await expectSettingsRun();
    expect
      .soft(managed(await mustUser('wanda.ware@contoso.test'))[0]?.unitId, 'at once')
      .toBe(kept);
    await env.run();
    expect(managed(await mustUser('wanda.ware@contoso.test'))[0]?.unitId).toBe(kept);
    // A unit with managed members cannot be deleted (409), so members never dangle.
    expect((await env.api('DELETE', `/units/${kept}`)).status).toBe(409);
  });

  // ── Reproduction 2: settings reach existing users ──

  it('2a. turning "Deactivate disabled accounts" off reactivates, on again deactivates', async () => {
    await setup();
    const d = person('Dis', 'Abled', { department: 'Sales', jobTitle: 'Employee' });
    person('Still', 'Here', { department: 'Sales', jobTitle: 'Employee' });
    await env.run({ full: true });
    env.emulator.tenant.disableUser(d.id);
    await env.run();
    const off = await mustUser('dis.abled@contoso.test');
    expect(off.status).toBe('deactivated');

    await patchIntegration({ deactivateDisabledUsers: false });
    await env.idle();
    await expectSettingsRun();
    expect.soft((await mustUser('dis.abled@contoso.test')).status, 'at once').toBe('active');
    await env.run();
    const back = await mustUser('dis.abled@contoso.test');
    expect(back).toMatchObject({ id: off.id, status: 'active', assigned: true });
    expect(managed(back)[0]?.unitId).toBe(env.units.get('Sales'));

    await patchIntegration({ deactivateDisabledUsers: true });
    await env.idle();
    expect.soft((await mustUser('dis.abled@contoso.test')).status, 'at once').toBe('deactivated');
    await env.run();
    expect((await mustUser('dis.abled@contoso.test')).status).toBe('deactivated');
    expect((await mustUser('still.here@contoso.test')).status).toBe('active');
  });

  it('2b. turning "Include guests" on creates guests, off deactivates them', async () => {
    await setup();
    person('Gus', 'Guest', { department: 'Sales', jobTitle: 'Employee', userType: 'Guest' });
    person('Mem', 'Ber', { department: 'Sales', jobTitle: 'Employee' });
    await env.run({ full: true });
    expect(await userByEmail('gus.guest@contoso.test')).toBeUndefined();

    await patchIntegration({ includeGuests: true });
    await env.idle();
    await expectSettingsRun();
    expect.soft(await userByEmail('gus.guest@contoso.test'), 'created at once').toBeDefined();
    await env.run();
    const guest = await mustUser('gus.guest@contoso.test');
    expect(guest).toMatchObject({ status: 'active', assigned: true });

    await patchIntegration({ includeGuests: false });
    await env.idle();
    expect.soft((await mustUser('gus.guest@contoso.test')).status, 'at once').toBe('deactivated');
    await env.run();
    expect(await mustUser('gus.guest@contoso.test')).toMatchObject({
      id: guest.id,
      status: 'deactivated',
    });
    expect((await mustUser('mem.ber@contoso.test')).status).toBe('active');
  });

  // ── Reproduction 3: releases before claims ──

  it('3a. a user deleted for good and re-created with the same email relinks in one run', async () => {
    await setup();
    const old = person('Re', 'Born', { department: 'Sales', jobTitle: 'Employee' });
    await env.run({ full: true });
    const before = await mustUser('re.born@contoso.test');
    env.emulator.tenant.hardDeleteUser(old.id);
    const reborn = person('Re', 'Born', { department: 'Support', jobTitle: 'Manager' });
    expect(reborn.id).not.toBe(old.id);

    const run = await env.run();
    expect(run.status).toBe('succeeded');
    const after = await mustUser('re.born@contoso.test');
    expect(after).toMatchObject({
      id: before.id,
      status: 'active',
      source: { integrationId: env.integrationId, externalId: reborn.id },
    });
    expect(managed(after)[0]?.unitId).toBe(env.units.get('Support'));
    expect((await changes(run.id)).filter((c) => c.action === 'skip')).toEqual([]);
  });

  it('3b. an email handed over from one Entra user to another within one round settles in one run', async () => {
    await setup();
    const a = person('Anna', 'First', { department: 'Sales', jobTitle: 'Employee' });
    const b = person('Bert', 'Second', { department: 'Sales', jobTitle: 'Employee' });
    await env.run({ full: true });
    const pa = await mustUser('anna.first@contoso.test');
    const pb = await mustUser('bert.second@contoso.test');
    // Entra keeps addresses unique: A lets go of hers first, then B takes it.
    env.emulator.tenant.updateUser(a.id, { mail: 'anna.new@contoso.test' });
    env.emulator.tenant.updateUser(b.id, { mail: 'anna.first@contoso.test' });

    const run = await env.run();
    expect(run.status).toBe('succeeded');
    expect(await userById(pa.id)).toMatchObject({
      email: 'anna.new@contoso.test',
      status: 'active',
      source: { externalId: a.id },
    });
    expect(await userById(pb.id)).toMatchObject({
      email: 'anna.first@contoso.test',
      status: 'active',
      source: { externalId: b.id },
    });
    expect((await changes(run.id)).filter((c) => c.action === 'skip')).toEqual([]);
  });

  it('3c. two Entra users swap addresses within one round: both settle in one run', async () => {
    await setup();
    const a = person('Anna', 'First', { department: 'Sales', jobTitle: 'Employee' });
    const b = person('Bert', 'Second', { department: 'Sales', jobTitle: 'Employee' });
    await env.run({ full: true });
    const pa = await mustUser('anna.first@contoso.test');
    const pb = await mustUser('bert.second@contoso.test');
    env.emulator.tenant.updateUser(a.id, { mail: 'swap@contoso.test' });
    env.emulator.tenant.updateUser(b.id, { mail: 'anna.first@contoso.test' });
    env.emulator.tenant.updateUser(a.id, { mail: 'bert.second@contoso.test' });

    const run = await env.run();
    expect(run.status).toBe('succeeded');
    expect((await userById(pa.id)).email).toBe('bert.second@contoso.test');
    expect((await userById(pb.id)).email).toBe('anna.first@contoso.test');
  });

  it('3d. the address of a user deleted in Entra passes to another user in one run', async () => {
    await setup();
    const gone = person('Gone', 'Person', { department: 'Sales', jobTitle: 'Employee' });
    const heir = person('Heir', 'Person', { department: 'Sales', jobTitle: 'Employee' });
    await env.run({ full: true });
    const pGone = await mustUser('gone.person@contoso.test');
    const pHeir = await mustUser('heir.person@contoso.test');
    env.emulator.tenant.hardDeleteUser(gone.id);
    await env.run();
    expect((await userById(pGone.id)).status).toBe('deactivated');
    // The mailbox is handed to a colleague, as Exchange administrators do.
    env.emulator.tenant.updateUser(heir.id, { mail: 'gone.person@contoso.test' });

    const run = await env.run();
    expect(run.status).toBe('succeeded');
    expect(await userById(pHeir.id)).toMatchObject({
      email: 'gone.person@contoso.test',
      status: 'active',
    });
    const old = await userById(pGone.id);
    expect(old.status).toBe('deactivated');
    expect(old.email).toMatch(/@address\.invalid$/);
    const log = await changes(run.id);
    expect(JSON.stringify(log)).toContain('passed on from Gone Person');
  });

  // ── Reproductions 4 and 5: held deletions are pending state ──

  it('4. held deletions stay pending, and apply once the threshold is raised; the held run ends', async () => {
    await setup({ deletionThreshold: 2 });
    const people = ['A', 'B', 'C', 'D', 'E'].map((n) =>
      person(n, 'Gone', { department: 'Sales', jobTitle: 'Employee' }),
    );
    await env.run({ full: true });
    for (const p of people.slice(0, 3)) env.emulator.tenant.softDeleteUser(p.id);

    const held = await env.run();
    expect(held).toMatchObject({ status: 'held', heldDeletions: 3 });
    expect((await mustUser('a.gone@contoso.test')).status).toBe('active');
    // Nothing changed in Entra since: the deletions are still pending, so still held.
    const again = await env.run();
    expect(again).toMatchObject({ status: 'held', heldDeletions: 3 });
    expect((await mustUser('a.gone@contoso.test')).status).toBe('active');

    await patchIntegration({ deletionThreshold: 10 });
    await env.idle();
    const after = await env.run();
    expect(after.status).toBe('succeeded');
    for (const email of ['a.gone', 'b.gone', 'c.gone']) {
      expect((await mustUser(`${email}@contoso.test`)).status, email).toBe('deactivated');
    }
    expect((await mustUser('d.gone@contoso.test')).status).toBe('active');
    const first = await runById(held.id);
    expect(first.status).toBe('succeeded');
    expect(first.notes.join(' ')).toMatch(/supersed/i);
    expect((await runById(again.id)).status).not.toBe('held');
  });

  it('5. approving an old held run spares users restored in Entra meanwhile', async () => {
    await setup({ deletionThreshold: 2 });
    const people = ['A', 'B', 'C', 'D', 'E'].map((n) =>
      person(n, 'Back', { department: 'Sales', jobTitle: 'Employee' }),
    );
    await env.run({ full: true });
    for (const p of people.slice(0, 4)) env.emulator.tenant.softDeleteUser(p.id);
    const held = await env.run();
    expect(held).toMatchObject({ status: 'held', heldDeletions: 4 });

    // A comes back from Entra's deleted items, and an ordinary run happens (still 3 > 2).
    env.emulator.tenant.restoreUser((people[0] as EmulatedUser).id);
    const later = await env.run();
    expect(later.status).toBe('held');

    const approved = await env.api('POST', `/runs/${held.id}/approve-deletions`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await env.idle();
    expect((await mustUser('a.back@contoso.test')).status).toBe('active');
    for (const email of ['b.back', 'c.back', 'd.back']) {
      expect((await mustUser(`${email}@contoso.test`)).status, email).toBe('deactivated');
    }
    await env.run();
    expect((await mustUser('a.back@contoso.test')).status).toBe('active');
    expect((await mustUser('e.back@contoso.test')).status).toBe('active');
    expect((await runById(held.id)).status).not.toBe('held');
  });

  // ── Reproduction 6: preview ≡ run ──

  it('6. a preview ends held like the real run and reports the same counts and changes', async () => {
    await setup({ deletionThreshold: 2, emulator: { deltaPageSize: 3 } });
    const base = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'].map((n) =>
      person(n, 'Page', { department: 'Sales', jobTitle: 'Employee' }),
    );
    await env.run({ full: true });
    const t = env.emulator.tenant;
    t.deltaOddities = { duplicates: 0.5 };
    const [p1, p2, p3, p4, p5, p6] = base as [
      EmulatedUser,
      EmulatedUser,
      EmulatedUser,
      EmulatedUser,
      EmulatedUser,
      EmulatedUser,
    ];
    // The same user changed twice.
    t.updateUser(p1.id, { surname: 'Twice' });
    t.updateUser(p1.id, { department: 'Support' });
    // An address released on an early page and claimed by a new user on a later one.
    t.updateUser(p2.id, { mail: 'p2.moved@contoso.test' });
    t.softDeleteUser(p3.id);
    t.softDeleteUser(p4.id);
    t.softDeleteUser(p5.id);
    person('N1', 'New', { department: 'Support', jobTitle: 'Manager' });
    person('N2', 'New', { department: 'Sales', jobTitle: 'Employee' });
    t.addUser({ givenName: 'Takes', surname: 'Over', mail: 'p2.page@contoso.test' });
    t.updateUser(p6.id, { jobTitle: 'Manager' });

    const preview = await env.run({ dryRun: true });
    expect(preview.dryRun).toBe(true);
    // It changed nothing.
    expect(await mustUser('p1.page@contoso.test')).toMatchObject({ status: 'active' });
    expect(await userByEmail('n1.new@contoso.test')).toBeUndefined();

    const real = await env.run();
    expect(real.status).toBe('held');
    expect(preview.status).toBe('held');
    expect(preview.counts).toEqual(real.counts);
    expect(preview.heldDeletions).toBe(real.heldDeletions);
    const key = (c: ApiRunChange) => `${c.action} ${c.externalId ?? c.subject}`;
    expect((await changes(preview.id)).map(key).sort()).toEqual(
      (await changes(real.id)).map(key).sort(),
    );
  });

  // ── Reproduction 7: the change log survives a 410 fallback ──

  it('7. a run falling back to a full run after a 410 mid-round keeps the changes of earlier pages', async () => {
    await setup({ emulator: { deltaPageSize: 3, latencyMs: 25 } });
    person('Seed', 'User', { department: 'Sales', jobTitle: 'Employee' });
    await env.run({ full: true });
    const created = Array.from({ length: 9 }, (_, i) =>
      person(`Late${i}`, 'Comer', { department: 'Sales', jobTitle: 'Employee' }),
    );
    const log = env.emulator.requestLog;
    const seen = log.length;
    const running = env.run();
    // Expire the delta state once the first page of the round has been served.
    const until = Date.now() + 20_000;
    while (!log.slice(seen).some((r) => r.path.endsWith('/users/delta') && r.status === 200)) {
      if (Date.now() > until) throw new Error('the run never read a delta page');
      await sleep(1);
    }
    env.emulator.tenant.expireDeltaTokens();
    const run = await running;
    expect(run.status).toBe('succeeded');
    expect(run.notes.join(' ')).toContain('fell back to a full synchronisation');
    expect(log.slice(seen).some((r) => r.status === 410)).toBe(true);
    expect(run.counts.created).toBe(9);
    const log2 = await changes(run.id);
    for (const u of created) {
      expect(
        log2.filter((c) => c.externalId === u.id).map((c) => c.action),
        `${u.givenName}`,
      ).toContain('create');
    }
  });

  // ── Reproduction 8: malformed entries ──

  it('8a. a malformed entry is listed as a skip naming the property and deactivates no one', async () => {
    await setup();
    const bad = person('Mal', 'Formed', { department: 'Sales', jobTitle: 'Employee' });
    person('Well', 'Formed', { department: 'Sales', jobTitle: 'Employee' });
    await env.run({ full: true });
    // givenName as a number: Graph never should, but a proxy or a bug might.
    env.emulator.tenant.updateUser(bad.id, { givenName: 42 as unknown as string });
    const run = await env.run();
    const skip = (await changes(run.id)).find((c) => c.externalId === bad.id);
    expect(skip?.action).toBe('skip');
    expect(String(skip?.details.reason)).toContain('givenName');
    expect(await mustUser('mal.formed@contoso.test')).toMatchObject({
      status: 'active',
      firstName: 'Mal',
    });
  });

  it('8b. on a full run (410 fallback) a linked user whose entry is malformed is not deactivated', async () => {
    await setup();
    const bad = person('Mal', 'Full', { department: 'Sales', jobTitle: 'Employee' });
    person('Well', 'Full', { department: 'Sales', jobTitle: 'Employee' });
    await env.run({ full: true });
    env.emulator.tenant.updateUser(bad.id, { surname: ['x'] as unknown as string });
    env.emulator.tenant.expireDeltaTokens();
    const run = await env.run();
    expect(run.mode).toBe('full');
    expect(run.counts.deactivated).toBe(0);
    expect((await mustUser('mal.full@contoso.test')).status).toBe('active');
    const skip = (await changes(run.id)).find((c) => c.externalId === bad.id);
    expect(skip?.action).toBe('skip');
    expect(String(skip?.details.reason)).toContain('surname');
  });

  // ── Explain (SPEC §5.15) ──

  it('explains per user what matched and why not', async () => {
    await setup({ units: ['Sales', 'Support'], userTypes: ['Employee', 'Manager'] });
    await createUnit('Warehouse', env.units.get('Sales'));
    await createUnit('Warehouse', env.units.get('Support'));
    const cases = {
      matched: person('Ex', 'Matched', { department: 'Sales', jobTitle: 'Employee, Astronaut' }),
      none: person('Ex', 'None', { department: 'Odense Store', jobTitle: 'Manager' }),
      twins: person('Ex', 'Twins', { department: 'Warehouse', jobTitle: 'Employee' }),
      several: person('Ex', 'Several', { department: 'Sales, Support', jobTitle: 'Employee' }),
      empty: person('Ex', 'Empty', { department: null, jobTitle: null }),
    };
    await env.run({ full: true });
    const explain = async (e: EmulatedUser) =>
      (await userById((await mustUser(e.mail as string)).id)).sync;

    const matched = await explain(cases.matched);
    expect(matched).toMatchObject({
      integrationId: env.integrationId,
      entra: {
        givenName: 'Ex',
        surname: 'Matched',
        mail: 'ex.matched@contoso.test',
        userPrincipalName: cases.matched.userPrincipalName,
        accountEnabled: true,
        userType: 'Member',
        department: 'Sales',
        jobTitle: 'Employee, Astronaut',
      },
      unit: {
        field: 'department',
        value: 'Sales',
        outcome: 'matched',
        unitId: env.units.get('Sales'),
        reason: null,
      },
      userTypes: {
        field: 'jobTitle',
        value: 'Employee, Astronaut',
        matched: ['Employee'],
        unmatched: ['Astronaut'],
      },
    });
    expect((await explain(cases.none))?.unit).toEqual({
      field: 'department',
      value: 'Odense Store',
      outcome: 'no-unit',
      unitId: null,
      reason: 'no unit named "Odense Store"',
    });
    expect((await explain(cases.twins))?.unit).toMatchObject({
      outcome: 'ambiguous',
      reason: '2 units are named "Warehouse"',
    });
    expect((await explain(cases.several))?.unit).toMatchObject({
      value: 'Sales, Support',
      outcome: 'several-units',
      reason: 'the value names several units',
    });
    const empty = await explain(cases.empty);
    expect(empty?.unit).toMatchObject({ outcome: 'empty', reason: 'field is empty' });
    expect(empty?.userTypes).toMatchObject({ matched: [], unmatched: [] });
  });
});
