import { afterEach, expect, it } from 'vitest';
import type { ChangeRow } from '../../src/sync/apply.ts';
import type { RunChange } from '../../src/sync/changes-repo.ts';
import { addToImpact, noImpact, type Impact } from '../../src/sync/impact.ts';
import type { Run } from '../../src/sync/run-record.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

/**
 * Issue 17, impact before commit: POST /integrations/:id/impact and /units/impact say what a
 * change would do, computed by the reconcile in a rolled-back transaction; the numbers equal
 * what the settings reconcile that follows the real change does, and nothing is written.
 */
describeEachDialect('impact before commit (issue 17)', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  type ImpactBody = Impact & { duplicateName: string | null };

  async function seed(): Promise<void> {
    env = await createSyncEnv(dialect, { backgroundRuns: true, units: ['Sales', 'Support'] });
    const t = env.emulator.tenant;
    const add = (n: string, department: string, city: string) =>
      t.addUser({
        givenName: n,
        surname: 'Staff',
        mail: `${n.toLowerCase()}@contoso.test`,
        department,
        city,
        jobTitle: 'Employee',
      });
    add('Ann', 'Sales', 'Support');
    add('Bob', 'Sales', 'Paris');
    add('Cy', 'Support', 'Sales');
    add('Dee', 'Sales', '');
    await env.run({ full: true });
  }

  /** The impact a finished run had, read from its change log the same way. */
  async function impactOfRun(run: Run): Promise<Omit<Impact, 'unassignedUsers' | 'wouldHold'>> {
    const res = await env.api('GET', `/runs/${run.id}/changes?limit=500`);
    const rows = (res.body as { items: RunChange[] }).items.map((c): ChangeRow => ({
      ...c,
      details: c.details as ChangeRow['details'],
    }));
    const impact = noImpact();
    addToImpact(impact, rows);
    const { unassignedUsers: _u, wouldHold: _w, ...counts } = impact;
    return counts;
  }

  async function latestRun(): Promise<Run> {
    const res = await env.api('GET', `/integrations/${env.integrationId}/runs?limit=1`);
    return (res.body as { items: Run[] }).items[0] as Run;
  }

  it('a unit field change: the impact equals the settings reconcile that follows, and writes nothing', async () => {
    await seed();
    const res = await env.api('POST', `/integrations/${env.integrationId}/impact`, {
      unitField: 'city',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const impact = res.body as ImpactBody;
    // Ann → Support, Cy → Sales (moves); Bob (Paris) and Dee (empty) lose their membership.
    expect(impact).toMatchObject({ moved: 2, unassigned: 2, deactivated: 0 });
    expect(impact.unassignedUsers.map((u) => u.subject).sort()).toEqual([
      expect.stringContaining('Bob'),
      expect.stringContaining('Dee'),
    ]);
    expect(impact.unassignedUsers.find((u) => u.subject.includes('Bob'))?.reason).toMatch(
      /"Paris"/,
    );
    // Nothing was written: settings, memberships and the mirror's outcomes are as they were.
    const settings = (await env.api('GET', `/integrations/${env.integrationId}`)).body as {
      unitField: string;
    };
    expect(settings.unitField).toBe('department');
    const again = await env.run();
    expect(again.counts.updated).toBe(0);

    const patched = await env.api('PATCH', `/integrations/${env.integrationId}`, {
      unitField: 'city',
    });
    expect(patched.status).toBe(200);
    await env.idle();
    const real = await latestRun();
    expect(real.trigger).toBe('settings');
    const { unassignedUsers: _u, wouldHold: _w, duplicateName: _d, ...counts } = impact;
    expect(await impactOfRun(real)).toEqual(counts);
  });

  it('a duplicate unit name is named, with the users who would become unassigned', async () => {
    await seed();
    const res = await env.api('POST', '/units/impact', { action: 'create', name: 'sales' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const impact = res.body as ImpactBody;
    expect(impact.duplicateName).toBe('Sales');
    expect(impact.unassigned).toBe(3);
    expect(impact.unassignedUsers[0]?.reason).toMatch(/2 units share that name/);
    // Nothing was created.
    const units = (await env.api('GET', '/units')).body as { name: string }[];
    expect(units.map((u) => u.name).sort()).toEqual(['Sales', 'Support']);

    // Creating a unit that places users: Paris.
    const paris = await env.api('POST', '/integrations/' + env.integrationId + '/impact', {
      unitField: 'city',
    });
    expect((paris.body as ImpactBody).unassigned).toBe(2);
    const create = await env.api('POST', '/units/impact', { action: 'create', name: 'Paris' });
    expect(create.body).toMatchObject({ duplicateName: null, placed: 0, unassigned: 0 });
    const bad = await env.api('POST', '/units/impact', { action: 'explode' });
    expect(bad.status).toBe(400);
  });
});

describeEachDialect('impact of scope, exclusion rules and thresholds (issue 17)', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  type ImpactBody = Impact & { duplicateName: string | null };

  async function seed(): Promise<void> {
    env = await createSyncEnv(dialect, {
      backgroundRuns: true,
      units: ['Sales', 'Support'],
      deletionThreshold: 500,
      unassignmentThreshold: null,
    });
    const t = env.emulator.tenant;
    for (const [n, department] of [
      ['Ann', 'Sales'],
      ['Bob', 'Sales'],
      ['Cy', 'Support'],
      ['Dee', 'Support'],
      ['Eve', 'Temp'],
    ] as const) {
      t.addUser({
        givenName: n,
        surname: 'Staff',
        mail: `${n.toLowerCase()}@contoso.test`,
        department,
        jobTitle: 'Employee',
      });
    }
    await env.run({ full: true });
  }

  it('an exclusion rule: the users it would deactivate, equal to the reconcile that follows', async () => {
    await seed();
    const rule = { field: 'department', operator: 'equals', value: 'support' };
    const res = await env.api('POST', `/integrations/${env.integrationId}/impact`, {
      exclusionRules: [rule],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const impact = res.body as ImpactBody;
    expect(impact).toMatchObject({ deactivated: 2, unassigned: 0, scopePending: false });
    // Stored threshold 500: not held.
    expect(impact.wouldHold).toBe(false);
    // The same rule saved with a deletion threshold of 1: held, by the threshold being saved.
    const strict = await env.api('POST', `/integrations/${env.integrationId}/impact`, {
      exclusionRules: [rule],
      deletionThreshold: 1,
    });
    expect((strict.body as ImpactBody).wouldHold).toBe(true);
    // And the other way round: a stored threshold the save raises no longer holds.
    await env.api('PATCH', `/integrations/${env.integrationId}`, { deletionThreshold: 1 });
    await env.idle();
    const raised = await env.api('POST', `/integrations/${env.integrationId}/impact`, {
      exclusionRules: [rule],
      deletionThreshold: 10,
    });
    expect((raised.body as ImpactBody).wouldHold).toBe(false);
    const stored = await env.api('POST', `/integrations/${env.integrationId}/impact`, {
      exclusionRules: [rule],
    });
    expect((stored.body as ImpactBody).wouldHold).toBe(true);

    // Saved for real (threshold 10): the settings reconcile does what the impact said.
    await env.api('PATCH', `/integrations/${env.integrationId}`, {
      exclusionRules: [rule],
      deletionThreshold: 10,
    });
    await env.idle();
    const runs = await env.api('GET', `/integrations/${env.integrationId}/runs?limit=1`);
    const real = (runs.body as { items: Run[] }).items[0];
    expect(real).toMatchObject({ trigger: 'settings', status: 'succeeded' });
    expect(real?.counts.deactivated).toBe(impact.deactivated);
  });

  it('scope groups not read yet: the counts leave them out and say so; back to all users is known', async () => {
    await seed();
    const t = env.emulator.tenant;
    const group = t.addGroup('Sales staff');
    const res = await env.api('POST', `/integrations/${env.integrationId}/impact`, {
      scopeMode: 'groups',
      scopeGroups: [{ id: group.id, displayName: 'Sales staff' }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ scopePending: true, deactivated: 0 });
    const all = await env.api('POST', `/integrations/${env.integrationId}/impact`, {
      scopeMode: 'all',
    });
    expect(all.body).toMatchObject({ scopePending: false, deactivated: 0 });
    // Groups mode without groups: the field is named, as on save.
    const empty = await env.api('POST', `/integrations/${env.integrationId}/impact`, {
      scopeMode: 'groups',
      scopeGroups: [],
    });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toContain('scopeGroups');
    const bad = await env.api('POST', `/integrations/${env.integrationId}/impact`, {
      deletionThreshold: -1,
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('deletionThreshold');
  });

  it('moving a unit changes nobody; deleting one of two units of a name places their users', async () => {
    await seed();
    const stores = await env.api('POST', '/units', { name: 'Stores' });
    const storesId = (stores.body as { id: string }).id;
    const move = await env.api('POST', '/units/impact', {
      action: 'move',
      unitId: env.units.get('Sales'),
      parentId: storesId,
    });
    expect(move.status, JSON.stringify(move.body)).toBe(200);
    expect(move.body).toMatchObject({ moved: 0, unassigned: 0, placed: 0, deactivated: 0 });

    await env.api('PATCH', `/integrations/${env.integrationId}`, { unassignmentThreshold: 0 });
    const dup = await env.api('POST', '/units', { name: 'SALES', parentId: storesId });
    await env.idle();
    const dupId = (dup.body as { id: string }).id;
    const del = await env.api('POST', '/units/impact', { action: 'delete', unitId: dupId });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(del.body).toMatchObject({ placed: 2, unassigned: 0, deactivated: 0 });
    // A unit with members cannot be deleted: the impact says why, like the delete would.
    const refused = await env.api('POST', '/units/impact', {
      action: 'delete',
      unitId: env.units.get('Support'),
    });
    expect(refused.status).toBe(409);
  });
});
