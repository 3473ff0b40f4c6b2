import { afterEach, expect, it } from 'vitest';
import type { EmulatedUser } from '../../src/emulator/index.ts';
import type { Run } from '../../src/sync/run-record.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv, type SyncEnvOptions } from '../helpers/sync-env.ts';

/**
 * Issue 14 through the REST API on both dialects: more match fields (employeeType,
 * employeeOrgData, onPremisesExtensionAttributes) and exclusion rules. Leaving the scope is a
 * removal: deactivated "out of scope", counted by the deletion guard, reactivated when back.
 */

interface ApiUser {
  id: string;
  email: string;
  status: 'active' | 'deactivated';
  deactivationReason?: string | null;
  assigned: boolean;
  memberships: { unitId: string; userTypeIds: string[]; managedBy: string | null }[];
  sync?: { excluded: string | null };
}

describeEachDialect('scope and extra match fields (issue 14)', (dialect) => {
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

  async function mustUser(email: string): Promise<ApiUser> {
    const res = await env.api('GET', `/users?email=${encodeURIComponent(email)}`);
    expect(res.status).toBe(200);
    const u = (res.body as { items: ApiUser[] }).items[0];
    if (!u) throw new Error(`no platform user ${email}`);
    const one = await env.api('GET', `/users/${u.id}`);
    return one.body as ApiUser;
  }

  async function patchIntegration(body: Record<string, unknown>): Promise<void> {
    const res = await env.api('PATCH', `/integrations/${env.integrationId}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  async function runs(): Promise<Run[]> {
    const res = await env.api('GET', `/integrations/${env.integrationId}/runs?limit=200`);
    return (res.body as { items: Run[] }).items;
  }

  async function changes(
    runId: string,
  ): Promise<{ action: string; details: Record<string, unknown> }[]> {
    const res = await env.api('GET', `/runs/${runId}/changes?limit=500`);
    return (res.body as { items: { action: string; details: Record<string, unknown> }[] }).items;
  }

  it('a unit is matched from extensionAttribute3 and user types from employeeType', async () => {
    await setup({
      units: ['Store 7', 'Store 9'],
      userTypes: ['Employee', 'Contractor'],
      unitField: 'onPremisesExtensionAttributes/extensionAttribute3',
      userTypeField: 'employeeType',
    });
    const ana = person('Ana', 'Store', {
      employeeType: 'Contractor',
      onPremisesExtensionAttributes: { extensionAttribute3: 'store 7', extensionAttribute1: 'x' },
      employeeOrgData: { division: 'Retail', costCenter: 'CC-1' },
    });
    await env.run({ full: true });
    const before = await mustUser('ana.store@contoso.test');
    expect(before.memberships).toEqual([
      {
        unitId: env.units.get('Store 7'),
        userTypeIds: [env.userTypes.get('Contractor')],
        managedBy: env.integrationId,
      },
    ]);

    // Graph PATCH changes only the extension attribute it names; an incremental run moves her.
    env.emulator.tenant.updateUser(ana.id, {
      onPremisesExtensionAttributes: { extensionAttribute3: 'Store 9' },
    });
    const run = await env.run();
    expect(run.mode).toBe('incremental');
    const after = await mustUser('ana.store@contoso.test');
    expect(after.memberships.map((m) => m.unitId)).toEqual([env.units.get('Store 9')]);
  });

  it('employeeOrgData/costCenter can be the unit field (changed from the mirror, no Graph request)', async () => {
    await setup({ units: ['CC-4100'], userTypes: ['Employee'] });
    person('Cole', 'Center', {
      jobTitle: 'Employee',
      employeeOrgData: { division: 'Retail', costCenter: 'CC-4100' },
    });
    await env.run({ full: true });
    expect((await mustUser('cole.center@contoso.test')).assigned).toBe(false);
    const requests = env.emulator.requestLog.length;
    await patchIntegration({ unitField: 'employeeOrgData/costCenter' });
    await env.idle();
    expect((await mustUser('cole.center@contoso.test')).assigned).toBe(true);
    expect(env.emulator.requestLog.length).toBe(requests);
  });

  it('an exclusion rule: counted beforehand, then matching users deactivated "out of scope"; removed → reactivated', async () => {
    await setup({ units: ['Sales'], userTypes: ['Employee'] });
    person('Tess', 'One', { department: 'Test Accounts', jobTitle: 'Employee' });
    person('Tom', 'Two', { department: 'test accounts', jobTitle: 'Employee' });
    person('Sam', 'Sales', { department: 'Sales', jobTitle: 'Employee' });
    person('Rita', 'Room', { department: 'Sales', mail: 'room.1@rooms.contoso.test' });
    await env.run({ full: true });

    const rules = [
      { field: 'department', operator: 'equals', value: 'TEST ACCOUNTS' },
      { field: 'mailDomain', operator: 'endsWith', value: 'rooms.contoso.test' },
    ];
    const preview = await env.api('POST', `/integrations/${env.integrationId}/exclusion-preview`, {
      exclusionRules: rules,
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toEqual({
      rules: [
        { matched: 2, active: 2 },
        { matched: 1, active: 1 },
      ],
      matched: 3,
      wouldDeactivate: 3,
    });
    // Nothing was saved or changed by the preview.
    expect((await mustUser('tess.one@contoso.test')).status).toBe('active');

    const bad = await env.api('PATCH', `/integrations/${env.integrationId}`, {
      exclusionRules: [{ field: 'shoeSize', operator: 'equals', value: '' }],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('exclusionRules.0.field');

    await patchIntegration({ exclusionRules: rules });
    await env.idle();
    const tess = await mustUser('tess.one@contoso.test');
    expect(tess).toMatchObject({
      status: 'deactivated',
      deactivationReason: 'source-out-of-scope',
    });
    // The user's record says why (SPEC §5.15).
    expect(tess.sync?.excluded).toContain('department equals "TEST ACCOUNTS"');
    expect((await mustUser('room.1@rooms.contoso.test')).status).toBe('deactivated');
    expect((await mustUser('sam.sales@contoso.test')).status).toBe('active');
    const settingsRun = (await runs()).find((r) => r.trigger === 'settings');
    expect(settingsRun?.counts.deactivated).toBe(3);
    const logged = await changes(settingsRun?.id ?? '');
    expect(logged.filter((c) => c.action === 'deactivate').map((c) => c.details.reason)).toEqual(
      expect.arrayContaining([expect.stringContaining('out of scope')]),
    );

    // An ordinary run changes nothing more; removing the rules brings them back.
    expect((await env.run()).counts.deactivated).toBe(0);
    await patchIntegration({ exclusionRules: [] });
    await env.idle();
    expect((await mustUser('tess.one@contoso.test')).status).toBe('active');
    expect((await mustUser('room.1@rooms.contoso.test')).status).toBe('active');
  });

  it('a rule taking more users out of scope than the deletion threshold is held', async () => {
    await setup({ units: ['Sales'], userTypes: ['Employee'], deletionThreshold: 2 });
    for (const n of ['A', 'B', 'C']) person(n, 'Contractor', { companyName: 'Fabrikam Ltd' });
    person('D', 'Staff', { companyName: 'Contoso' });
    await env.run({ full: true });
    await patchIntegration({
      exclusionRules: [{ field: 'companyName', operator: 'startsWith', value: 'fabrikam' }],
    });
    await env.idle();
    const held = (await runs()).find((r) => r.trigger === 'settings');
    expect(held).toMatchObject({ status: 'held', heldDeletions: 3 });
    expect((await mustUser('a.contractor@contoso.test')).status).toBe('active');
    // A preview says the same, and the next ordinary run is still held.
    expect(await env.run({ dryRun: true })).toMatchObject({ status: 'held', heldDeletions: 3 });
    expect(await env.run()).toMatchObject({ status: 'held', heldDeletions: 3 });
  });

  it('group scope: nested members come in by incremental runs, leavers are deactivated "out of scope", the guard holds, all users brings them back', async () => {
    await setup({ units: ['Sales'], userTypes: ['Employee'], deletionThreshold: 500 });
    const t = env.emulator.tenant;
    const ann = person('Ann', 'Direct', { department: 'Sales', jobTitle: 'Employee' });
    const bob = person('Bob', 'Nested', { department: 'Sales', jobTitle: 'Employee' });
    const cy = person('Cy', 'Later');
    person('Dee', 'Outside');
    const staff = t.addGroup('All staff');
    const stores = t.addGroup('Stores');
    t.addGroupMember(staff.id, ann.id);
    t.addGroupMember(staff.id, stores.id);
    t.addGroupMember(stores.id, bob.id);
    // The form's picker: groups by name with their users, nested ones included.
    const found = await env.api('GET', `/integrations/${env.integrationId}/groups?search=all`);
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body).toEqual({ items: [{ ...staff, memberCount: 2 }] });
    const count = await env.api(
      'GET',
      `/integrations/${env.integrationId}/groups/${stores.id}/member-count`,
    );
    expect(count.body).toEqual({ count: 1 });
    await patchIntegration({ scopeMode: 'groups', scopeGroups: [staff] });
    const first = await env.run({ full: true });
    expect(first.status).toBe('succeeded');
    expect((await mustUser('ann.direct@contoso.test')).status).toBe('active');
    expect((await mustUser('bob.nested@contoso.test')).status).toBe('active');
    const dees = await env.api(
      'GET',
      `/users?email=${encodeURIComponent('dee.outside@contoso.test')}`,
    );
    expect((dees.body as { items: unknown[] }).items).toEqual([]);

    // A quiet incremental run costs one user delta and one group delta request.
    const before = env.emulator.requestLog.filter((r) => r.path.startsWith('/v1.0/')).length;
    await env.run();
    const graphRequests = env.emulator.requestLog.filter((r) => r.path.startsWith('/v1.0/')).length;
    expect(graphRequests - before).toBe(2);

    // Added to the nested group → in scope by an ordinary incremental run.
    t.addGroupMember(stores.id, cy.id);
    const incremental = await env.run();
    expect(incremental.mode).toBe('incremental');
    expect((await mustUser('cy.later@contoso.test')).status).toBe('active');

    // Removed from the group → deactivated "out of scope".
    t.removeGroupMember(stores.id, bob.id);
    const removal = await env.run();
    expect(removal.counts.deactivated).toBe(1);
    const bobAfter = await mustUser('bob.nested@contoso.test');
    expect(bobAfter).toMatchObject({
      status: 'deactivated',
      deactivationReason: 'source-out-of-scope',
    });
    expect(bobAfter.sync?.excluded).toContain('not a member of');
    const logged = await changes(removal.id);
    expect(logged.find((c) => c.action === 'deactivate')?.details.reason).toContain(
      'not a member of',
    );

    // More leavers than the threshold → held.
    await patchIntegration({ deletionThreshold: 1 });
    await env.idle();
    t.removeGroupMember(staff.id, ann.id);
    t.removeGroupMember(stores.id, cy.id);
    const held = await env.run();
    expect(held).toMatchObject({ status: 'held', heldDeletions: 2 });
    expect((await mustUser('ann.direct@contoso.test')).status).toBe('active');

    // Scope back to all users: reconciled from the mirror, Bob reactivated, Dee created.
    const requests = env.emulator.requestLog.length;
    await patchIntegration({ scopeMode: 'all' });
    await env.idle();
    expect(env.emulator.requestLog.length).toBe(requests);
    for (const email of [
      'ann.direct@contoso.test',
      'bob.nested@contoso.test',
      'cy.later@contoso.test',
      'dee.outside@contoso.test',
    ]) {
      expect((await mustUser(email)).status, email).toBe('active');
    }
  });

  it('group scope needs GroupMember.Read.All: Test connection names it', async () => {
    await setup();
    const app = env.emulator.tenant.addApp({ groupConsent: false });
    await patchIntegration({
      applicationId: app.clientId,
      secret: app.secret,
      scopeMode: 'groups',
      scopeGroups: [env.emulator.tenant.addGroup('Staff')],
    });
    const res = await env.api('POST', `/integrations/${env.integrationId}/test`);
    expect(res.status).toBe(200);
    const body = res.body as {
      ok: boolean;
      steps: { name: string; ok: boolean; message: string }[];
    };
    expect(body.ok).toBe(false);
    expect(body.steps.find((s) => s.name === 'group-permission')).toMatchObject({
      ok: false,
      message: expect.stringContaining('GroupMember.Read.All'),
    });
    const search = await env.api('GET', `/integrations/${env.integrationId}/groups?search=s`);
    expect(JSON.stringify(search.body)).toContain('GroupMember.Read.All');
    const bad = await env.api('PATCH', `/integrations/${env.integrationId}`, { scopeGroups: [] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('scopeGroups');
  });
});
