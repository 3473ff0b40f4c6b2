import { useState, type ReactNode } from 'react';
import type { FieldPreviewView, UnitOutcomeView } from '../../../src/http/preview-schemas.ts';
import { fieldPreview } from '../endpoints-admin-view.ts';
import { MATCH_FIELD_LABELS } from '../lib/integration-help.ts';
import { useAction } from '../lib/use-action.ts';
import type { MatchField } from '../types.ts';
import { Alert } from './alert.tsx';

const OUTCOME: Record<UnitOutcomeView, string> = {
  matched: 'matches one unit',
  'no-unit': 'no unit has this name',
  ambiguous: 'several units have this name',
  'several-units': 'names several units',
  empty: 'empty',
};

/** Rows shown before "Show all". */
const FIRST_ROWS = 10;

interface Props {
  integrationId: string;
  unitField: MatchField;
  userTypeField: MatchField;
  /** Puts the recommended fields in the form (the administrator still saves). */
  onUse: (fields: { unitField: MatchField; userTypeField: MatchField }) => void;
}

function percent(n: number, of: number): string {
  return of === 0 ? '0%' : `${Math.round((100 * n) / of)}%`;
}

/**
 * SPEC §5.15 field preview in the integration form: what the chosen fields hold in the
 * tenant, how each value matches, and which fields would match best.
 */
export function FieldPreviewPanel(props: Props): ReactNode {
  const { integrationId, unitField, userTypeField } = props;
  const [result, setResult] = useState<FieldPreviewView | null>(null);
  const [showAll, setShowAll] = useState(false);
  const action = useAction();
  const same = unitField === userTypeField;

  const load = () =>
    action.run('preview', async () => {
      setResult(await fieldPreview(integrationId, { unitField, userTypeField }));
      setShowAll(false);
    });

  // The answer is for the fields it was asked with; changing them in the form invalidates it.
  const current =
    result && result.unit.field === unitField && result.userTypes.field === userTypeField
      ? result
      : null;
  const rec = current?.recommendation ?? null;
  const better =
    rec && (rec.unitField !== unitField || rec.userTypeField !== userTypeField) ? rec : null;
  const rate = (f: MatchField) => current?.rates.find((r) => r.field === f);

  return (
    <section
      className="card field-preview"
      aria-labelledby="field-preview-title"
      data-testid="field-preview"
    >
      <h2 id="field-preview-title">Field preview</h2>
      <p className="small muted">
        What the unit field and the user type field hold in your tenant, and how each value matches
        your units and user types. Before the first synchronisation it reads the first 5,000 users
        from Entra ID with the saved credentials.
      </p>
      <div className="actions">
        <button type="button" onClick={() => void load()} disabled={action.busy !== null || same}>
          {action.busy ? 'Reading values…' : current ? 'Refresh preview' : 'Preview field values'}
        </button>
      </div>
      {action.error ? <Alert>{action.error}</Alert> : null}
      {current ? (
        <>
          <p className="preview-source" data-testid="field-preview-source">
            {current.source === 'mirror'
              ? `From the last synchronisation: ${current.users} users.`
              : `From ${current.sampled ? 'a sample of the first' : 'all'} ${current.users} users read from Entra ID.`}
          </p>
          {rec ? (
            <Alert kind={better ? 'info' : 'success'} testId="field-preview-recommendation">
              {better ? 'Better match: ' : 'Your choice matches best: '}
              unit field <strong>{rec.unitField}</strong> (
              {percent(rate(rec.unitField)?.unitMatched ?? 0, current.users)} of users match a
              unit), user type field <strong>{rec.userTypeField}</strong> (
              {percent(rate(rec.userTypeField)?.userTypeMatched ?? 0, current.users)} match a user
              type).{' '}
              {better ? (
                <button type="button" onClick={() => props.onUse(better)}>
                  Use these fields
                </button>
              ) : null}
            </Alert>
          ) : null}
          <div className="preview-columns">
            <div>
              <h3>
                Unit field: {MATCH_FIELD_LABELS[unitField]} —{' '}
                {percent(current.unit.matchedUsers, current.users)} matched
              </h3>
              <div className="table-wrap">
                <table className="table" data-testid="preview-unit-values">
                  <caption className="visually-hidden">Values of the unit field</caption>
                  <thead>
                    <tr>
                      <th scope="col">Value</th>
                      <th scope="col" className="num">
                        Users
                      </th>
                      <th scope="col">Outcome</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(showAll ? current.unit.values : current.unit.values.slice(0, FIRST_ROWS)).map(
                      (v) => (
                        <tr key={v.value ?? ''}>
                          <td>{v.value === null ? <em>empty</em> : v.value}</td>
                          <td className="num">{v.users}</td>
                          <td>
                            <span className={v.outcome === 'matched' ? 'match-ok' : 'match-bad'}>
                              {v.outcome === 'matched' ? '✓ ' : '✗ '}
                              {OUTCOME[v.outcome]}
                            </span>
                          </td>
                        </tr>
                      ),
                    )}
                  </tbody>
                </table>
              </div>
            </div>
            <div>
              <h3>
                User type field: {MATCH_FIELD_LABELS[userTypeField]} —{' '}
                {percent(current.userTypes.matchedUsers, current.users)} matched
              </h3>
              <div className="table-wrap">
                <table className="table" data-testid="preview-type-values">
                  <caption className="visually-hidden">Values of the user type field</caption>
                  <thead>
                    <tr>
                      <th scope="col">Value</th>
                      <th scope="col" className="num">
                        Users
                      </th>
                      <th scope="col">User types</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(showAll
                      ? current.userTypes.values
                      : current.userTypes.values.slice(0, FIRST_ROWS)
                    ).map((v) => (
                      <tr key={v.value ?? ''}>
                        <td>{v.value === null ? <em>empty</em> : v.value}</td>
                        <td className="num">{v.users}</td>
                        <td>
                          {v.parts.length === 0 ? <span className="match-bad">✗ empty</span> : null}
                          {v.parts.map((p) => (
                            <span
                              key={p.name}
                              className={p.matched ? 'match-ok part' : 'match-bad part'}
                            >
                              {p.matched ? '✓ ' : '✗ '}
                              {p.name}
                              {p.matched ? '' : ' (no user type)'}
                            </span>
                          ))}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          </div>
          {current.unit.values.length > FIRST_ROWS ||
          current.userTypes.values.length > FIRST_ROWS ? (
            <button type="button" className="link" onClick={() => setShowAll(!showAll)}>
              {showAll
                ? 'Show fewer values'
                : `Show all values (${current.unit.distinctValues} and ${current.userTypes.distinctValues} distinct; up to 200 each)`}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
