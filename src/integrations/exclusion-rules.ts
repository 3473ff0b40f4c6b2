import { z } from 'zod';
import {
  RULE_FIELDS,
  RULE_OPERATORS,
  type ExclusionOperator,
  type ExclusionRuleField,
} from './match-fields.ts';

/**
 * Exclusion rules (SPEC §2, issue 14): a user whose field equals / starts with / ends with a
 * value is out of scope. Any rule that matches excludes. Shared by the API (zod), the panel and
 * the sync's pure decision, so it lives below both.
 */

// The lists are plain constants beside the match fields, so the panel imports them without zod.
export {
  EXTRA_RULE_FIELDS,
  RULE_FIELDS,
  RULE_OPERATORS,
  type ExclusionOperator,
  type ExclusionRuleField,
} from './match-fields.ts';

/** One rule. Values compare case-insensitively after trimming (like unit names). */
export interface ExclusionRule {
  field: ExclusionRuleField;
  operator: ExclusionOperator;
  value: string;
}

/** At most this many rules per integration: each one is evaluated for every user. */
export const EXCLUSION_RULES_MAX = 50;
export const RULE_VALUE_MAX = 256;

export const exclusionRuleSchema = z.strictObject({
  field: z.enum(RULE_FIELDS as [ExclusionRuleField, ...ExclusionRuleField[]], {
    error: `Rule field must be one of ${RULE_FIELDS.join(', ')}`,
  }),
  operator: z.enum(RULE_OPERATORS, {
    error: `Rule operator must be one of ${RULE_OPERATORS.join(', ')}`,
  }),
  value: z
    .string({ error: 'Rule value must be text' })
    .trim()
    .min(1, 'Rule value is required')
    .max(RULE_VALUE_MAX, `Rule value must be at most ${RULE_VALUE_MAX} characters`),
});

export const exclusionRulesSchema = z
  .array(exclusionRuleSchema, { error: 'Exclusion rules must be a list' })
  .max(EXCLUSION_RULES_MAX, `At most ${EXCLUSION_RULES_MAX} exclusion rules`);

/** Reads rules stored as JSON; anything unreadable counts as no rule (never a crash). */
export function parseStoredRules(json: string | null | undefined): ExclusionRule[] {
  if (!json) return [];
  try {
    const r = exclusionRulesSchema.safeParse(JSON.parse(json));
    return r.success ? r.data : [];
  } catch {
    return [];
  }
}
