import { afterEach, expect, it } from 'vitest';
import type { FieldPreviewView } from '../../src/http/preview-schemas.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

/** SPEC §5.15 field preview through the REST API, before and after the first sync. */
describeEachDialect('field preview', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  async function setup(): Promise<SyncEnv> {
    env = await createSyncEnv(dialect, {
      units: ['Sales', 'Support', 'Warehouse', 'Warehouse '],
      userTypes: ['Employee', 'Manager'],
    });
    const t = env.emulator.tenant;
    const add = (n: number, department: string | null, jobTitle: string | null, city = 'Oslo') => {
      for (let i = 0; i < n; i++) {
        t.addUser({
          givenName: `G${department}${i}`,
          surname: 'S',
          mail: `${department ?? 'none'}-${jobTitle ?? 'none'}-${i}@contoso.test`.replace(
            /[^a-z0-9@.-]/gi,
            '',
          ),
          department,
          jobTitle,
          city,
        });
      }
    };
    add(5, 'Sales', 'Employee');
    add(3, 'Marketing', 'Employee, Intern');
    add(2, 'Warehouse', 'Manager');
    add(2, null, 'Employee');
    add(1, 'Sales, Support', 'Employee');
    // A guest is out of scope (Include guests is off) and not counted.
    t.addUser({
      givenName: 'Gu',
      surname: 'Est',
      mail: 'guest@x.test',
      userType: 'Guest',
      department: 'Sales',
    });
    return env;
  }

  async function preview(unitField = 'department', userTypeField = 'jobTitle') {
    const res = await env.api('POST', `/integrations/${env.integrationId}/field-preview`, {
      unitField,
      userTypeField,
    });
    expect(res.status).toBe(200);
    return res.body as FieldPreviewView;
  }

  function expectTenantPreview(p: FieldPreviewView): void {
    expect(p.users).toBe(13);
    const byValue = new Map(p.unit.values.map((v) => [v.value, v]));
    expect(byValue.get('Sales')).toMatchObject({ users: 5, outcome: 'matched' });
    expect(byValue.get('Marketing')).toMatchObject({ users: 3, outcome: 'no-unit' });
    expect(byValue.get('Warehouse')).toMatchObject({ users: 2, outcome: 'ambiguous' });
    expect(byValue.get(null)).toMatchObject({ users: 2, outcome: 'empty' });
    expect(byValue.get('Sales, Support')).toMatchObject({ users: 1, outcome: 'several-units' });
    // Largest first.
    expect(p.unit.values[0]?.value).toBe('Sales');
    expect(p.unit.matchedUsers).toBe(5);
    const types = new Map(p.userTypes.values.map((v) => [v.value, v]));
    expect(types.get('Employee, Intern')?.parts).toEqual([
      { name: 'Employee', matched: true },
      { name: 'Intern', matched: false },
    ]);
    expect(types.get('Employee')?.users).toBe(8);
    expect(p.userTypes.matchedUsers).toBe(13);
    // jobTitle matches user types for everyone; department matches one unit for 5 of 13.
    expect(p.recommendation).toEqual({ unitField: 'department', userTypeField: 'jobTitle' });
    const city = p.rates.find((r) => r.field === 'city');
    expect(city).toEqual({ field: 'city', unitMatched: 0, userTypeMatched: 0 });
  }

  it('reads a Graph sample before the first sync, the mirror after it, with the same answer', async () => {
    await setup();
    const before = await preview();
    expect(before.source).toBe('graph-sample');
    expect(before.sampled).toBe(false);
    expectTenantPreview(before);

    await env.run({ full: true });
    const after = await preview();
    expect(after.source).toBe('mirror');
    expectTenantPreview(after);
    // A unit created now changes the outcome at once.
    expect((await env.api('POST', '/units', { name: 'Marketing' })).status).toBe(201);
    const withUnit = await preview();
    expect(withUnit.unit.values.find((v) => v.value === 'Marketing')?.outcome).toBe('matched');
    expect(withUnit.unit.matchedUsers).toBe(8);
  });

  it('recommends the field with the best match rate', async () => {
    await setup();
    // Units named like the cities: city matches everyone, department only some.
    expect((await env.api('POST', '/units', { name: 'Oslo' })).status).toBe(201);
    const p = await preview('department', 'jobTitle');
    expect(p.recommendation).toEqual({ unitField: 'city', userTypeField: 'jobTitle' });
  });

  it('refuses equal fields, unknown fields and unknown integrations', async () => {
    await setup();
    const same = await env.api('POST', `/integrations/${env.integrationId}/field-preview`, {
      unitField: 'city',
      userTypeField: 'city',
    });
    expect(same.status).toBe(400);
    const bad = await env.api('POST', `/integrations/${env.integrationId}/field-preview`, {
      unitField: 'password',
      userTypeField: 'city',
    });
    expect(bad.status).toBe(400);
    const missing = await env.api(
      'POST',
      '/integrations/00000000-0000-4000-8000-000000000000/field-preview',
      { unitField: 'city', userTypeField: 'jobTitle' },
    );
    expect(missing.status).toBe(404);
  });
});
