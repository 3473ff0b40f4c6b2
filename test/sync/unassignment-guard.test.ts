import { afterEach, expect, it } from 'vitest';
import type { EmulatedUser } from '../../src/emulator/index.ts';
import type { ChangeDetails } from '../../src/sync/change-details.ts';
import type { Run } from '../../src/sync/run-record.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv, type SyncEnvOptions } from '../helpers/sync-env.ts';

/**
 * Issue 17: the unassignment guard. A run or settings reconcile that would take managed
 * memberships away from more users than the threshold applies everything else, holds those
 * removals (pending state, like held deactivations) and ends `held`; approval applies the
 * pending set as it is then. Through the REST API, on both dialects.
 */

interface ApiUser {
  id: string;
  firstName: string;
  status: 'active' | 'deactivated';
  assigned: boolean;
  memberships: { unitId: string; userTypeIds: string[]; managedBy: string | null }[];
}

interface ApiRunChange {
  action: string;
  subject: string;
  externalId: string | null;
  details: ChangeDetails;
}

describeEachDialect('unassignment guard (issue 17)', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  async function setup(options: SyncEnvOptions): Promise<SyncEnv> {
    env = await createSyncEnv(dialect, { backgroundRuns: true, ...options });
    return env;
  }

  function person(given: string, surname: string, extra: Partial<EmulatedUser> = {}): EmulatedUser {
    const mail = `${given}.${surname}@contoso.test`.toLowerCase();
    return env.emulator.tenant.addUser({ givenName: given, surname, mail, ...extra });
  }

  async function mustUser(email: string): Promise<ApiUser> {
    const res = await env.api('GET', `/users?email=${encodeURIComponent(email)}`);
    const u = (res.body as { items: ApiUser[] }).items[0];
    if (!u) throw new Error(`no platform user ${email}`);
    return u;
  }

  async function managedUnit(email: string): Promise<string | null> {
    const u = await mustUser(email);
    return u.memberships.find((m) => m.managedBy !== null)?.unitId ?? null;
  }

  async function changes(runId: string): Promise<ApiRunChange[]> {
    const res = await env.api('GET', `/runs/${runId}/changes?limit=500`);
    expect(res.status).toBe(200);
    return (res.body as { items: ApiRunChange[] }).items;
  }

  async function runs(): Promise<Run[]> {
    const res = await env.api('GET', `/integrations/${env.integrationId}/runs?limit=200`);
    return (res.body as { items: Run[] }).items;
  }

  async function runById(id: string): Promise<Run> {
    return (await env.api('GET', `/runs/${id}`)).body as Run;
  }

  async function patchIntegration(body: Record<string, unknown>): Promise<void> {
    const res = await env.api('PATCH', `/integrations/${env.integrationId}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  async function unitId(name: string): Promise<string> {
    const units = (await env.api('GET', '/units')).body as { id: string; name: string }[];
    const u = units.find((x) => x.name === name);
    if (!u) throw new Error(`no unit ${name}`);
    return u.id;
  }

  const NAMES = ['Ann', 'Bob', 'Cy', 'Dee', 'Eve'];
  const email = (n: string) => `${n.toLowerCase()}.staff@contoso.test`;

  it('holds a unit field change that would unassign too many, applies the rest, and approval applies the removals as they are then', async () => {
    await setup({ unassignmentThreshold: 2 });
    const people = NAMES.map((n) =>
      person(n, 'Staff', { department: 'Sales', jobTitle: 'Employee', city: 'Nowhere' }),
    );
    await env.run({ full: true });
    const sales = await unitId('Sales');
    // Something else that changes meanwhile: it must not wait for the approval.
    env.emulator.tenant.updateUser((people[0] as EmulatedUser).id, { givenName: 'Annie' });
    await env.run();

    // Unit field → city: no unit is named "Nowhere", so all five would lose their membership.
    await patchIntegration({ unitField: 'city' });
    await env.idle();
    const held = (await runs())[0] as Run;
    expect(held).toMatchObject({ trigger: 'settings', status: 'held', heldUnassignments: 5 });
    expect(held.notes.join(' ')).toMatch(/unassignment threshold of 2/);
    for (const n of NAMES) expect(await managedUnit(email(n)), n).toBe(sales);
    expect((await mustUser(email('Ann'))).firstName).toBe('Annie');
    const log = (await changes(held.id)).filter((c) => c.action === 'held');
    expect(log).toHaveLength(5);
    expect(log[0]?.details).toMatchObject({
      held: 'unassignment',
      changes: [{ field: 'membership', before: 'Sales: Employee', after: null }],
    });
    expect(log[0]?.details.reason).toMatch(/unit "Nowhere" ignored: no unit has that name/);

    // Meanwhile Bob's city gets a unit: he moves (not a removal), the other four stay held.
    env.emulator.tenant.updateUser((people[1] as EmulatedUser).id, { city: 'Support' });
    const later = await env.run();
    expect(later).toMatchObject({ status: 'held', heldUnassignments: 4 });
    expect(await managedUnit(email('Bob'))).toBe(await unitId('Support'));

    const approved = await env.api('POST', `/runs/${held.id}/approve-deletions`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect((approved.body as Run).notes.join(' ')).toMatch(/approved by admin-/);
    for (const n of ['Ann', 'Cy', 'Dee', 'Eve']) {
      const u = await mustUser(email(n));
      expect(u.memberships, n).toEqual([]);
      expect(u.assigned, n).toBe(false);
    }
    expect(await managedUnit(email('Bob'))).toBe(await unitId('Support'));
    expect((await runById(later.id)).status).toBe('succeeded');
    const next = await env.run();
    expect(next).toMatchObject({ status: 'succeeded', heldUnassignments: 0 });
  });

  it('the default threshold is 10% of the linked users (at most 100): under it removals apply at once', async () => {
    await setup({ unassignmentThreshold: null });
    const people = Array.from({ length: 12 }, (_, i) =>
      person(`P${i}`, 'Ten', { department: 'Sales', jobTitle: 'Employee' }),
    );
    await env.run({ full: true });
    // 12 linked users → threshold 2: two removals go through.
    for (const p of people.slice(0, 2))
      env.emulator.tenant.updateUser(p.id, { department: 'Gone' });
    // One of them is also renamed: counted once as updated, not twice.
    env.emulator.tenant.updateUser((people[1] as EmulatedUser).id, { surname: 'Renamed' });
    const ok = await env.run();
    expect(ok).toMatchObject({ status: 'succeeded', heldUnassignments: 0 });
    expect(ok.counts.updated).toBe(2);
    expect((await mustUser('p0.ten@contoso.test')).memberships).toEqual([]);
    expect(ok.counts.unassigned).toBe(2);
    // Three more are held.
    for (const p of people.slice(2, 5))
      env.emulator.tenant.updateUser(p.id, { department: 'Gone' });
    const held = await env.run();
    expect(held).toMatchObject({ status: 'held', heldUnassignments: 3 });
    expect((await mustUser('p2.ten@contoso.test')).memberships).toHaveLength(1);
    // Raising the threshold lets the next run apply them and ends the held run.
    await patchIntegration({ unassignmentThreshold: 5 });
    const after = await env.run();
    expect(after.status).toBe('succeeded');
    expect((await mustUser('p2.ten@contoso.test')).memberships).toEqual([]);
    expect((await runById(held.id)).status).toBe('succeeded');
  });

  it('moving users to another unit is not an unassignment', async () => {
    await setup({ unassignmentThreshold: 1 });
    const people = NAMES.map((n) =>
      person(n, 'Staff', { department: 'Sales', jobTitle: 'Employee' }),
    );
    await env.run({ full: true });
    for (const p of people) env.emulator.tenant.updateUser(p.id, { department: 'Engineering' });
    const run = await env.run();
    expect(run).toMatchObject({ status: 'succeeded', heldUnassignments: 0 });
    expect(await managedUnit(email('Eve'))).toBe(await unitId('Engineering'));
  });

  it('holds with the deletion guard in the same run, and one approval applies both', async () => {
    await setup({ unassignmentThreshold: 1, deletionThreshold: 1 });
    const people = NAMES.map((n) =>
      person(n, 'Staff', { department: 'Sales', jobTitle: 'Employee' }),
    );
    await env.run({ full: true });
    const [a, b, c, d] = people as [EmulatedUser, EmulatedUser, EmulatedUser, EmulatedUser];
    env.emulator.tenant.softDeleteUser(a.id);
    env.emulator.tenant.softDeleteUser(b.id);
    env.emulator.tenant.updateUser(c.id, { jobTitle: 'Astronaut' });
    env.emulator.tenant.updateUser(d.id, { department: 'Mars' });
    const held = await env.run();
    expect(held).toMatchObject({ status: 'held', heldDeletions: 2, heldUnassignments: 2 });
    const log = (await changes(held.id)).filter((x) => x.action === 'held');
    expect(log.map((x) => x.details.held).sort()).toEqual([
      'deactivation',
      'deactivation',
      'unassignment',
      'unassignment',
    ]);
    expect((await mustUser(email('Ann'))).status).toBe('active');
    expect((await mustUser(email('Cy'))).memberships).toHaveLength(1);

    const approved = await env.api('POST', `/runs/${held.id}/approve-deletions`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect((await mustUser(email('Ann'))).status).toBe('deactivated');
    expect((await mustUser(email('Bob'))).status).toBe('deactivated');
    expect((await mustUser(email('Cy'))).memberships).toEqual([]);
    expect((await mustUser(email('Dee'))).memberships).toEqual([]);
    expect(await managedUnit(email('Eve'))).toBe(await unitId('Sales'));
    expect((await env.run()).status).toBe('succeeded');
  });

  it('a preview holds like the real run, with the same counts and held rows, and changes nothing', async () => {
    await setup({ unassignmentThreshold: 2 });
    const people = NAMES.map((n) =>
      person(n, 'Staff', { department: 'Sales', jobTitle: 'Employee' }),
    );
    await env.run({ full: true });
    for (const p of people.slice(0, 3))
      env.emulator.tenant.updateUser(p.id, { department: 'Mars' });
    env.emulator.tenant.updateUser((people[4] as EmulatedUser).id, { surname: 'Renamed' });
    const preview = await env.run({ dryRun: true });
    expect(preview).toMatchObject({ dryRun: true, status: 'held', heldUnassignments: 3 });
    expect((await mustUser(email('Ann'))).memberships).toHaveLength(1);
    const real = await env.run();
    expect(real).toMatchObject({ status: 'held', heldUnassignments: 3 });
    expect(preview.counts).toEqual(real.counts);
    const key = (c: ApiRunChange) => `${c.action} ${c.externalId ?? c.subject}`;
    expect((await changes(preview.id)).map(key).sort()).toEqual(
      (await changes(real.id)).map(key).sort(),
    );
    // Switched off, the next run applies them.
    await patchIntegration({ unassignmentThreshold: 0 });
    expect((await env.run()).status).toBe('succeeded');
    expect((await mustUser(email('Ann'))).memberships).toEqual([]);
  });
});
