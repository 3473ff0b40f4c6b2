import { describe, expect, it } from 'vitest';
import type { Integration } from '../types.ts';
import { emptyForm, formFromIntegration, inputFromForm, validateForm } from './integration-form.ts';

const GUID = '11111111-2222-3333-4444-555555555555';

function valid(): ReturnType<typeof emptyForm> {
  return { ...emptyForm(), name: 'Contoso', applicationId: GUID, tenantId: GUID, secret: 's3cret' };
}

describe('validateForm', () => {
  it('accepts a complete form, with a GUID or a domain as tenant', () => {
    expect(validateForm(valid(), true)).toEqual({});
    expect(validateForm({ ...valid(), tenantId: 'contoso.onmicrosoft.com' }, true)).toEqual({});
  });

  it('starts from the defaults of SPEC §2', () => {
    const form = emptyForm();
    expect(form.deactivateDisabledUsers).toBe(true);
    expect(form.includeGuests).toBe(false);
    expect(form.cloud).toBe('global');
    expect(form.deletionThreshold).toBe('500');
    expect(form.syncIntervalMinutes).toBe('60');
    expect(form.unitField).not.toBe(form.userTypeField);
  });

  it('names each wrong field', () => {
    const errors = validateForm(
      {
        ...valid(),
        name: ' ',
        applicationId: 'not-a-guid',
        tenantId: 'contoso',
        secret: '',
        deletionThreshold: '-1',
        syncIntervalMinutes: '4',
      },
      true,
    );
    expect(Object.keys(errors).sort()).toEqual(
      [
        'applicationId',
        'deletionThreshold',
        'name',
        'secret',
        'syncIntervalMinutes',
        'tenantId',
      ].sort(),
    );
  });

  it('rejects names over 100 characters', () => {
    expect(validateForm({ ...valid(), name: 'x'.repeat(101) }, true).name).toBeDefined();
    expect(validateForm({ ...valid(), name: 'x'.repeat(100) }, true).name).toBeUndefined();
  });

  it('requires the unit and user type fields to differ', () => {
    const errors = validateForm({ ...valid(), unitField: 'city', userTypeField: 'city' }, true);
    expect(errors.userTypeField).toMatch(/differ/);
  });

  it('needs a secret only when one is required', () => {
    expect(validateForm({ ...valid(), secret: '' }, false)).toEqual({});
    expect(validateForm({ ...valid(), secret: '' }, true).secret).toBeDefined();
  });

  it('accepts a 0 threshold (guard off) and rejects fractions', () => {
    expect(validateForm({ ...valid(), deletionThreshold: '0' }, true)).toEqual({});
    expect(
      validateForm({ ...valid(), deletionThreshold: '1.5' }, true).deletionThreshold,
    ).toBeDefined();
  });
});

describe('unassignment threshold', () => {
  it('empty means the default; a whole number ≥ 0 is sent; anything else is refused', () => {
    expect(validateForm({ ...valid(), unassignmentThreshold: '' }, true)).toEqual({});
    expect(validateForm({ ...valid(), unassignmentThreshold: '0' }, true)).toEqual({});
    expect(
      validateForm({ ...valid(), unassignmentThreshold: '-3' }, true).unassignmentThreshold,
    ).toMatch(/whole number/);
    expect(inputFromForm({ ...valid(), unassignmentThreshold: ' 40 ' }).unassignmentThreshold).toBe(
      40,
    );
  });
});

describe('inputFromForm / formFromIntegration', () => {
  it('sends numbers, trimmed text, null for no date, and the secret only when typed', () => {
    const input = inputFromForm({ ...valid(), name: ' Contoso ', secret: '' });
    expect(input).toMatchObject({
      name: 'Contoso',
      deletionThreshold: 500,
      unassignmentThreshold: null,
      syncIntervalMinutes: 60,
      secretExpiresAt: null,
    });
    expect('secret' in input).toBe(false);
    expect(inputFromForm(valid()).secret).toBe('s3cret');
  });

  it('fills the form from a stored integration without any secret', () => {
    const integration: Integration = {
      id: 'i1',
      name: 'Contoso',
      applicationId: GUID,
      tenantId: 'contoso.onmicrosoft.com',
      secretSet: true,
      secretExpiresAt: '2030-01-31T00:00:00.000Z',
      secretExpiry: null,
      unitField: 'department',
      userTypeField: 'jobTitle',
      enabled: false,
      cloud: 'usgov',
      deactivateDisabledUsers: false,
      includeGuests: true,
      deletionThreshold: 0,
      unassignmentThreshold: 25,
      syncIntervalMinutes: 15,
      exclusionRules: [],
      scopeMode: 'all',
      scopeGroups: [],
      nearRealTime: false,
      nearRealTimeStatus: null,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
      nextRunAt: null,
      lastRun: null,
      status: 'ok',
      attentionMessage: null,
    };
    const form = formFromIntegration(integration);
    expect(form).toMatchObject({
      secret: '',
      secretExpiresAt: '2030-01-31',
      deletionThreshold: '0',
      unassignmentThreshold: '25',
      cloud: 'usgov',
    });
    expect(inputFromForm(form)).toMatchObject({
      secretExpiresAt: '2030-01-31',
      enabled: false,
      includeGuests: true,
    });
  });
});

describe('exclusion rules on the form', () => {
  it('asks for a value in every rule and sends the rules trimmed', () => {
    const form = {
      ...valid(),
      exclusionRules: [
        { field: 'mailDomain' as const, operator: 'endsWith' as const, value: ' rooms.test ' },
      ],
    };
    expect(validateForm(form, true)).toEqual({});
    expect(inputFromForm(form).exclusionRules).toEqual([
      { field: 'mailDomain', operator: 'endsWith', value: 'rooms.test' },
    ]);
    const empty = { ...form, exclusionRules: [{ ...form.exclusionRules[0]!, value: '  ' }] };
    expect(validateForm(empty, true).exclusionRules).toMatch(/needs a value/);
  });
});

describe('scope on the form', () => {
  it('needs a group when the scope is groups, and sends mode and groups', () => {
    const form = { ...valid(), scopeMode: 'groups' as const };
    expect(validateForm(form, true).scopeGroups).toMatch(/at least one group/);
    const group = { id: '22222222-3333-4444-5555-666666666666', displayName: 'Staff' };
    const ok = { ...form, scopeGroups: [group] };
    expect(validateForm(ok, true)).toEqual({});
    expect(inputFromForm(ok)).toMatchObject({ scopeMode: 'groups', scopeGroups: [group] });
  });
});
