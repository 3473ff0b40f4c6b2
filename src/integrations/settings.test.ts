import { describe, expect, it } from 'vitest';
import { ValidationError, type FieldIssue } from '../errors.ts';
import { MATCH_FIELDS } from './match-fields.ts';
import {
  DIFFERENT_FIELDS_MESSAGE,
  isDomainName,
  mergeSettings,
  parseCreateIntegration,
  parseIntegrationPatch,
  type IntegrationSettings,
} from './settings.ts';

const valid = {
  name: 'Contoso',
  applicationId: '11111111-2222-3333-4444-555555555555',
  tenantId: 'contoso.onmicrosoft.com',
  secret: 'abc~123',
  unitField: 'department',
  userTypeField: 'jobTitle',
} as const;

/** The field issues of a rejected body (fails the test if the body was accepted). */
function issuesOf(parse: () => unknown): FieldIssue[] {
  try {
    parse();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    const details = (err as ValidationError).details as { issues: FieldIssue[] };
    return details.issues;
  }
  throw new Error('expected a ValidationError');
}

function rejects(body: Record<string, unknown>, field: string): string {
  const issues = issuesOf(() => parseCreateIntegration(body));
  const issue = issues.find((i) => i.field === field);
  expect(issue, JSON.stringify(issues)).toBeDefined();
  return issue?.message ?? '';
}

describe('create validation', () => {
  it('accepts the minimal form and applies the SPEC defaults', () => {
    expect(parseCreateIntegration(valid)).toEqual({
      ...valid,
      secretExpiresAt: null,
      enabled: false,
      cloud: 'global',
      deactivateDisabledUsers: true,
      includeGuests: false,
      deletionThreshold: 500,
      unassignmentThreshold: null,
      syncIntervalMinutes: 60,
      exclusionRules: [],
      scopeMode: 'all',
      scopeGroups: [],
      nearRealTime: false,
    });
  });

  it('name: required, trimmed, 1–100 characters', () => {
    expect(rejects({ ...valid, name: undefined }, 'name')).toBe('Name is required');
    expect(rejects({ ...valid, name: '   ' }, 'name')).toBe('Name is required');
    expect(rejects({ ...valid, name: 'x'.repeat(101) }, 'name')).toMatch(/100/);
    expect(rejects({ ...valid, name: 5 }, 'name')).toMatch(/text/);
    expect(parseCreateIntegration({ ...valid, name: `  ${'x'.repeat(100)}  ` }).name).toHaveLength(
      100,
    );
  });

  it('applicationId: a GUID, stored lower-case', () => {
    expect(rejects({ ...valid, applicationId: undefined }, 'applicationId')).toMatch(/required/);
    expect(rejects({ ...valid, applicationId: 'not-a-guid' }, 'applicationId')).toMatch(/GUID/);
    expect(rejects({ ...valid, applicationId: 'contoso.com' }, 'applicationId')).toMatch(/GUID/);
    expect(
      parseCreateIntegration({ ...valid, applicationId: ' AAAAAAAA-2222-3333-4444-555555555555 ' })
        .applicationId,
    ).toBe('aaaaaaaa-2222-3333-4444-555555555555');
  });

  it('tenantId: a GUID or a domain name with a dot', () => {
    for (const ok of [
      'contoso.onmicrosoft.com',
      'a-b.example',
      '11111111-2222-3333-4444-555555555555',
    ]) {
      expect(parseCreateIntegration({ ...valid, tenantId: ok }).tenantId).toBe(ok);
    }
    expect(parseCreateIntegration({ ...valid, tenantId: 'Contoso.OnMicrosoft.com' }).tenantId).toBe(
      'contoso.onmicrosoft.com',
    );
    for (const bad of ['contoso', '-a.com', 'a..com', 'a b.com', '10.0.0.1', 'https://x.com', '']) {
      expect(rejects({ ...valid, tenantId: bad }, 'tenantId')).toMatch(/GUID or a domain/);
    }
    expect(rejects({ ...valid, tenantId: undefined }, 'tenantId')).toMatch(/required/);
  });

  it('secret: required on create, 1–1024 characters, trimmed', () => {
    expect(rejects({ ...valid, secret: undefined }, 'secret')).toBe('Secret is required');
    expect(rejects({ ...valid, secret: ' \n' }, 'secret')).toBe('Secret is required');
    expect(rejects({ ...valid, secret: 'x'.repeat(1025) }, 'secret')).toMatch(/1024/);
    expect(parseCreateIntegration({ ...valid, secret: 'x'.repeat(1024) }).secret).toHaveLength(
      1024,
    );
    expect(parseCreateIntegration({ ...valid, secret: 'abc\n' }).secret).toBe('abc');
  });

  it('secretExpiresAt: a real calendar date or null', () => {
    expect(
      parseCreateIntegration({ ...valid, secretExpiresAt: '2028-02-29' }).secretExpiresAt,
    ).toBe('2028-02-29');
    expect(parseCreateIntegration({ ...valid, secretExpiresAt: null }).secretExpiresAt).toBeNull();
    for (const bad of ['2027-02-29', '2026-13-01', '2026-1-1', '2026-01-01T00:00:00Z', 'soon']) {
      expect(rejects({ ...valid, secretExpiresAt: bad }, 'secretExpiresAt')).toMatch(/YYYY-MM-DD/);
    }
  });

  it('unitField / userTypeField: one of the nine fields, employee data or an extension attribute', () => {
    // The brief's nine, employeeType, two employeeOrgData paths and 15 extension attributes.
    expect(MATCH_FIELDS).toHaveLength(9 + 1 + 2 + 15);
    expect(
      parseCreateIntegration({
        ...valid,
        unitField: 'onPremisesExtensionAttributes/extensionAttribute15',
        userTypeField: 'employeeOrgData/costCenter',
      }).unitField,
    ).toBe('onPremisesExtensionAttributes/extensionAttribute15');
    expect(
      rejects(
        { ...valid, unitField: 'onPremisesExtensionAttributes/extensionAttribute16' },
        'unitField',
      ),
    ).toMatch(/one of/);
    expect(rejects({ ...valid, unitField: 'mail' }, 'unitField')).toMatch(/one of jobTitle/);
    expect(rejects({ ...valid, userTypeField: 'Department' }, 'userTypeField')).toMatch(/one of/);
    expect(rejects({ ...valid, unitField: undefined }, 'unitField')).toMatch(/required/);
    for (const field of MATCH_FIELDS) {
      const other = field === 'city' ? 'state' : 'city';
      expect(
        parseCreateIntegration({ ...valid, unitField: field, userTypeField: other }).unitField,
      ).toBe(field);
    }
  });

  it('exclusionRules: a list of {field, operator, value}, each part named when wrong', () => {
    const rule = { field: 'mailDomain', operator: 'endsWith', value: ' rooms.contoso.com ' };
    expect(parseCreateIntegration({ ...valid, exclusionRules: [rule] }).exclusionRules).toEqual([
      { ...rule, value: 'rooms.contoso.com' },
    ]);
    expect(
      rejects(
        { ...valid, exclusionRules: [{ ...rule, field: 'shoeSize' }] },
        'exclusionRules.0.field',
      ),
    ).toMatch(/Rule field must be one of/);
    expect(
      rejects(
        { ...valid, exclusionRules: [{ ...rule, operator: 'contains' }] },
        'exclusionRules.0.operator',
      ),
    ).toMatch(/equals, startsWith, endsWith/);
    expect(
      rejects({ ...valid, exclusionRules: [{ ...rule, value: '  ' }] }, 'exclusionRules.0.value'),
    ).toBe('Rule value is required');
    expect(rejects({ ...valid, exclusionRules: 'x' }, 'exclusionRules')).toMatch(/list/);
  });

  it('userTypeField must differ from unitField', () => {
    expect(rejects({ ...valid, userTypeField: 'department' }, 'userTypeField')).toBe(
      DIFFERENT_FIELDS_MESSAGE,
    );
    expect(DIFFERENT_FIELDS_MESSAGE).toBe('The user type field must differ from the unit field');
  });

  it('booleans and cloud', () => {
    expect(rejects({ ...valid, enabled: 'yes' }, 'enabled')).toMatch(/true or false/);
    expect(rejects({ ...valid, deactivateDisabledUsers: 1 }, 'deactivateDisabledUsers')).toMatch(
      /true or false/,
    );
    expect(rejects({ ...valid, includeGuests: null }, 'includeGuests')).toMatch(/true or false/);
    expect(rejects({ ...valid, cloud: 'mars' }, 'cloud')).toMatch(/global, usgov, usgovdod, china/);
    expect(parseCreateIntegration({ ...valid, cloud: 'usgovdod', enabled: true })).toMatchObject({
      cloud: 'usgovdod',
      enabled: true,
    });
  });

  it('unassignmentThreshold: null (the default), or a whole number ≥ 0 (0 turns the guard off)', () => {
    expect(
      parseCreateIntegration({ ...valid, unassignmentThreshold: 0 }).unassignmentThreshold,
    ).toBe(0);
    expect(
      parseCreateIntegration({ ...valid, unassignmentThreshold: null }).unassignmentThreshold,
    ).toBe(null);
    expect(rejects({ ...valid, unassignmentThreshold: -1 }, 'unassignmentThreshold')).toMatch(/0/);
    expect(rejects({ ...valid, unassignmentThreshold: 2.5 }, 'unassignmentThreshold')).toMatch(
      /whole/,
    );
  });

  it('deletionThreshold: whole number ≥ 0 (0 turns the guard off)', () => {
    expect(parseCreateIntegration({ ...valid, deletionThreshold: 0 }).deletionThreshold).toBe(0);
    expect(rejects({ ...valid, deletionThreshold: -1 }, 'deletionThreshold')).toMatch(/0/);
    expect(rejects({ ...valid, deletionThreshold: 1.5 }, 'deletionThreshold')).toMatch(/whole/);
    expect(rejects({ ...valid, deletionThreshold: '5' }, 'deletionThreshold')).toMatch(/whole/);
  });

  it('syncIntervalMinutes: whole number from 5 to 10080', () => {
    expect(parseCreateIntegration({ ...valid, syncIntervalMinutes: 5 }).syncIntervalMinutes).toBe(
      5,
    );
    expect(
      parseCreateIntegration({ ...valid, syncIntervalMinutes: 10080 }).syncIntervalMinutes,
    ).toBe(10080);
    expect(rejects({ ...valid, syncIntervalMinutes: 4 }, 'syncIntervalMinutes')).toMatch(
      /at least 5/,
    );
    expect(rejects({ ...valid, syncIntervalMinutes: 10081 }, 'syncIntervalMinutes')).toMatch(
      /at most/,
    );
    expect(rejects({ ...valid, syncIntervalMinutes: 60.5 }, 'syncIntervalMinutes')).toMatch(
      /whole/,
    );
  });

  it('rejects unknown fields, naming each one', () => {
    expect(rejects({ ...valid, secretSet: true, tenant: 'x' }, 'secretSet')).toMatch(/Unknown/);
    expect(rejects({ ...valid, secretSet: true, tenant: 'x' }, 'tenant')).toMatch(/Unknown/);
  });

  it('reports every broken field at once', () => {
    const fields = issuesOf(() => parseCreateIntegration({})).map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'name',
        'applicationId',
        'tenantId',
        'secret',
        'unitField',
        'userTypeField',
      ]),
    );
  });
});

/** The settings part of a create input (the secret is not a setting). */
function withoutSecret(input: IntegrationSettings & { secret: string }): IntegrationSettings {
  const settings: Partial<typeof input> = { ...input };
  delete settings.secret;
  return settings as IntegrationSettings;
}

describe('patch validation', () => {
  const stored: IntegrationSettings = withoutSecret(parseCreateIntegration(valid));

  it('accepts any subset and applies no defaults', () => {
    expect(parseIntegrationPatch({})).toEqual({});
    expect(parseIntegrationPatch({ enabled: true })).toEqual({ enabled: true });
    expect(parseIntegrationPatch({ secretExpiresAt: null })).toEqual({ secretExpiresAt: null });
  });

  it('checks each field with the create rules', () => {
    const fields = issuesOf(() =>
      parseIntegrationPatch({ name: '', syncIntervalMinutes: 1, secret: '', other: 1 }),
    ).map((i) => i.field);
    expect(fields.sort()).toEqual(['name', 'other', 'secret', 'syncIntervalMinutes']);
  });

  it('validates the merged result: unitField equal to the stored userTypeField is rejected', () => {
    const issues = issuesOf(() =>
      mergeSettings(stored, parseIntegrationPatch({ unitField: 'jobTitle' })),
    );
    expect(issues).toEqual([{ field: 'userTypeField', message: DIFFERENT_FIELDS_MESSAGE }]);
    const swapped = mergeSettings(
      stored,
      parseIntegrationPatch({ unitField: 'jobTitle', userTypeField: 'department' }),
    );
    expect(swapped).toMatchObject({ unitField: 'jobTitle', userTypeField: 'department' });
  });

  it('merges: sent fields win, others are kept, null clears the expiry date', () => {
    const withDate = { ...stored, secretExpiresAt: '2030-01-01' };
    expect(mergeSettings(withDate, { name: 'New' })).toEqual({ ...withDate, name: 'New' });
    expect(mergeSettings(withDate, { secretExpiresAt: null }).secretExpiresAt).toBeNull();
    expect(mergeSettings(withDate, { enabled: false, deletionThreshold: 0 })).toMatchObject({
      enabled: false,
      deletionThreshold: 0,
    });
  });
});

describe('isDomainName', () => {
  it('needs two labels, letters/digits/hyphens, ≤ 63 per label, ≤ 253 overall', () => {
    expect(isDomainName('contoso.onmicrosoft.com')).toBe(true);
    expect(isDomainName(`${'a'.repeat(63)}.com`)).toBe(true);
    expect(isDomainName(`${'a'.repeat(64)}.com`)).toBe(false);
    expect(isDomainName(`${'a.'.repeat(127)}com`)).toBe(false);
    expect(isDomainName('localhost')).toBe(false);
    expect(isDomainName('a-.com')).toBe(false);
    expect(isDomainName('contoso.com.')).toBe(false);
  });
});
