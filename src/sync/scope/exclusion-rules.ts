import type { ExclusionRule, ExclusionRuleField } from '../../integrations/exclusion-rules.ts';
import { nameKey } from '../../directory/name-key.ts';
import { matchFieldValue, type EntraUser } from '../entra-user.ts';

/** The text a rule tests; null when the user has no value there (no rule matches it). */
export function ruleFieldValue(u: EntraUser, field: ExclusionRuleField): string | null {
  switch (field) {
    case 'userType':
      return u.userType ?? null;
    case 'accountEnabled':
      return typeof u.accountEnabled === 'boolean' ? String(u.accountEnabled) : null;
    case 'mail':
      return u.mail ?? null;
    case 'userPrincipalName':
      return u.userPrincipalName ?? null;
    case 'mailDomain': {
      // The address the sync would use: mail, else the UPN (guests' #EXT# UPNs included,
      // so a rule on the home domain can catch them).
      const address = u.mail || u.userPrincipalName;
      const at = address ? address.lastIndexOf('@') : -1;
      return address && at >= 0 ? address.slice(at + 1) : null;
    }
    default:
      return matchFieldValue(u, field);
  }
}

/**
 * Pure: the index of the first rule that matches the user, or null. Comparison as for unit
 * names (trimmed, case-insensitive, Unicode NFC) so `Contoso.com` and `contoso.com ` agree.
 */
export function matchingRule(u: EntraUser, rules: readonly ExclusionRule[]): number | null {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule === undefined) continue;
    const raw = ruleFieldValue(u, rule.field);
    if (raw === null) continue;
    const value = nameKey(raw);
    const wanted = nameKey(rule.value);
    if (wanted === '') continue;
    const hit =
      rule.operator === 'equals'
        ? value === wanted
        : rule.operator === 'startsWith'
          ? value.startsWith(wanted)
          : value.endsWith(wanted);
    if (hit) return i;
  }
  return null;
}

/** "department equals "Test"" for run logs and the panel. */
export function describeRule(rule: ExclusionRule): string {
  const op =
    rule.operator === 'equals'
      ? 'equals'
      : rule.operator === 'startsWith'
        ? 'starts with'
        : 'ends with';
  return `${rule.field} ${op} "${rule.value}"`;
}
