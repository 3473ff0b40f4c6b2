import type { ReactNode } from 'react';
import { MATCH_FIELD_LABELS } from '../lib/integration-help.ts';
import {
  RULE_FIELDS,
  RULE_OPERATORS,
  type ExclusionRule,
  type MatchField,
  type RuleField,
  type RuleOperator,
} from '../types.ts';

const EXTRA_LABELS: Record<string, string> = {
  userType: 'User type (Member / Guest)',
  accountEnabled: 'Account enabled (true / false)',
  mail: 'Mail',
  mailDomain: 'Mail domain (after @)',
  userPrincipalName: 'User principal name',
};
const OPERATOR_LABELS: Record<RuleOperator, string> = {
  equals: 'equals',
  startsWith: 'starts with',
  endsWith: 'ends with',
};

function fieldLabel(field: RuleField): string {
  return EXTRA_LABELS[field] ?? MATCH_FIELD_LABELS[field as MatchField];
}

interface Props {
  rules: ExclusionRule[];
  onChange: (rules: ExclusionRule[]) => void;
  help: ReactNode;
  error?: string | undefined;
}

/** Exclusion rules: one row per rule (field, operator, value), any match excludes. */
export function ExclusionRulesEditor({ rules, onChange, help, error }: Props): ReactNode {
  const update = (i: number, patch: Partial<ExclusionRule>) =>
    onChange(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className={error ? 'field has-error' : 'field'} data-testid="exclusion-rules">
      <span className="label">Exclusion rules</span>
      {rules.length === 0 ? <p className="muted">No rule: every user is in scope.</p> : null}
      {rules.map((rule, i) => (
        <div className="rule-row" key={i}>
          <select
            aria-label={`Rule ${i + 1} field`}
            value={rule.field}
            onChange={(e) => update(i, { field: e.target.value as RuleField })}
          >
            {RULE_FIELDS.map((f) => (
              <option key={f} value={f}>
                {fieldLabel(f)}
              </option>
            ))}
          </select>
          <select
            aria-label={`Rule ${i + 1} operator`}
            value={rule.operator}
            onChange={(e) => update(i, { operator: e.target.value as RuleOperator })}
          >
            {RULE_OPERATORS.map((o) => (
              <option key={o} value={o}>
                {OPERATOR_LABELS[o]}
              </option>
            ))}
          </select>
          <input
            aria-label={`Rule ${i + 1} value`}
            value={rule.value}
            maxLength={256}
            onChange={(e) => update(i, { value: e.target.value })}
          />
          <button type="button" onClick={() => onChange(rules.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() => onChange([...rules, { field: 'department', operator: 'equals', value: '' }])}
      >
        Add rule
      </button>
      <p className="help">{help}</p>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
