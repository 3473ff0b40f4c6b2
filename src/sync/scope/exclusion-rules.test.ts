import { describe, expect, it } from 'vitest';
import type { ExclusionRule } from '../../integrations/exclusion-rules.ts';
import { parseStoredRules } from '../../integrations/exclusion-rules.ts';
import { matchingRule, ruleFieldValue } from './exclusion-rules.ts';

const ann = {
  id: 'a',
  mail: 'Ann@Rooms.Contoso.com',
  userPrincipalName: 'ann@contoso.onmicrosoft.com',
  accountEnabled: false,
  userType: 'Member',
  department: ' Test Accounts ',
  onPremisesExtensionAttributes: { extensionAttribute3: 'SVC-mailbox' },
  employeeOrgData: { division: 'Retail', costCenter: null },
};

describe('exclusion rules (pure)', () => {
  it('reads every kind of field, nested paths and the mail domain included', () => {
    expect(ruleFieldValue(ann, 'mailDomain')).toBe('Rooms.Contoso.com');
    expect(ruleFieldValue(ann, 'accountEnabled')).toBe('false');
    expect(ruleFieldValue(ann, 'onPremisesExtensionAttributes/extensionAttribute3')).toBe(
      'SVC-mailbox',
    );
    expect(ruleFieldValue(ann, 'employeeOrgData/costCenter')).toBeNull();
    expect(ruleFieldValue({ id: 'b', userPrincipalName: 'b@x.test' }, 'mailDomain')).toBe('x.test');
  });

  it('compares trimmed and case-insensitively; the first matching rule wins; none → null', () => {
    const rules: ExclusionRule[] = [
      { field: 'department', operator: 'equals', value: 'sales' },
      { field: 'mailDomain', operator: 'endsWith', value: 'ROOMS.contoso.com' },
      { field: 'department', operator: 'equals', value: 'test accounts' },
    ];
    expect(matchingRule(ann, rules)).toBe(1);
    expect(matchingRule(ann, [rules[2] as ExclusionRule])).toBe(0);
    expect(
      matchingRule(ann, [
        {
          field: 'onPremisesExtensionAttributes/extensionAttribute3',
          operator: 'startsWith',
          value: 'svc-',
        },
      ]),
    ).toBe(0);
    expect(
      matchingRule(ann, [{ field: 'accountEnabled', operator: 'equals', value: 'FALSE' }]),
    ).toBe(0);
    expect(matchingRule(ann, [{ field: 'jobTitle', operator: 'equals', value: 'x' }])).toBeNull();
    expect(matchingRule(ann, [])).toBeNull();
  });

  it('stored rules that cannot be read count as none', () => {
    expect(parseStoredRules('not json')).toEqual([]);
    expect(parseStoredRules('[{"field":"nope","operator":"equals","value":"x"}]')).toEqual([]);
    expect(parseStoredRules('[{"field":"city","operator":"endsWith","value":"x"}]')).toHaveLength(
      1,
    );
  });
});
