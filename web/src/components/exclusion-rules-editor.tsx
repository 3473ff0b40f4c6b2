import { useState, type ReactNode } from 'react';
import { messageOf, request } from '../api.ts';
import { MATCH_FIELD_LABELS } from '../lib/integration-help.ts';
import {
  RULE_FIELDS,
  RULE_OPERATORS,
  type ExclusionPreview,
  type ExclusionPreviewBody,
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

type RuleCounts = ExclusionPreview;

interface Props {
  /** Counting reads the saved integration's mirror; absent on a new integration. */
  integrationId?: string | undefined;
  rules: ExclusionRule[];
  onChange: (rules: ExclusionRule[]) => void;
  help: ReactNode;
  error?: string | undefined;
}

/** Exclusion rules: one row per rule (field, operator, value), any match excludes. */
export function ExclusionRulesEditor(props: Props): ReactNode {
  const { integrationId, rules, help, error } = props;
  const [counts, setCounts] = useState<RuleCounts | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const onChange = (next: ExclusionRule[]) => {
    setCounts(null);
    props.onChange(next);
  };
  const update = (i: number, patch: Partial<ExclusionRule>) =>
    onChange(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  async function count(): Promise<void> {
    if (!integrationId) return;
    setProblem(null);
    try {
      const body: ExclusionPreviewBody = { exclusionRules: rules.filter((r) => r.value.trim()) };
      setCounts(
        await request<RuleCounts>('POST', `/integrations/${integrationId}/exclusion-preview`, body),
      );
    } catch (err) {
      setProblem(messageOf(err));
    }
  }
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
          {counts?.rules[i] ? (
            <span className="muted" data-testid={`rule-${i + 1}-count`}>
              {counts.rules[i].matched} users match, {counts.rules[i].active} active
            </span>
          ) : null}
        </div>
      ))}
      <button
        type="button"
        onClick={() => onChange([...rules, { field: 'department', operator: 'equals', value: '' }])}
      >
        Add rule
      </button>
      {integrationId && rules.length ? (
        <button type="button" onClick={() => void count()}>
          Count users
        </button>
      ) : null}
      {counts ? (
        <p className="muted" role="status">
          Saving these rules takes {counts.matched} Entra users out of scope and deactivates{' '}
          {counts.wouldDeactivate} platform users.
        </p>
      ) : null}
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      <p className="help">{help}</p>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
