import { useEffect, useState, type ReactNode } from 'react';
import { messageOf, request } from '../api.ts';
import type { FoundGroup, ScopeGroup } from '../types.ts';

interface Props {
  /** Searching asks Microsoft Graph through a saved integration; absent on a new one. */
  integrationId: string | undefined;
  mode: 'all' | 'groups';
  groups: ScopeGroup[];
  onChange: (patch: { scopeMode?: 'all' | 'groups'; scopeGroups?: ScopeGroup[] }) => void;
  help: ReactNode;
  error?: string | undefined;
}

/** Scope: all users, or members of chosen groups found by name, each with its user count. */
export function ScopeGroupsPicker(props: Props): ReactNode {
  const { integrationId, mode, groups, onChange } = props;
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<FoundGroup[]>([]);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [problem, setProblem] = useState<string | null>(null);

  // Counts of the chosen groups, so the administrator sees how many users the scope holds.
  useEffect(() => {
    if (!integrationId || mode !== 'groups') return;
    for (const g of groups) {
      if (counts[g.id] !== undefined) continue;
      request<{ count: number }>(
        'GET',
        `/integrations/${integrationId}/groups/${g.id}/member-count`,
      ).then(
        (r) => setCounts((c) => ({ ...c, [g.id]: r.count })),
        (err: unknown) => setProblem(messageOf(err)),
      );
    }
  }, [integrationId, mode, groups, counts]);

  async function find(): Promise<void> {
    if (!integrationId || !search.trim()) return;
    setProblem(null);
    try {
      const res = await request<{ items: FoundGroup[] }>(
        'GET',
        `/integrations/${integrationId}/groups?search=${encodeURIComponent(search.trim())}`,
      );
      setFound(res.items);
      setCounts((c) => ({
        ...c,
        ...Object.fromEntries(res.items.map((g) => [g.id, g.memberCount])),
      }));
    } catch (err) {
      setProblem(messageOf(err));
    }
  }

  return (
    <div className={props.error ? 'field has-error' : 'field'} data-testid="scope">
      <span className="label" id="scope-label">
        Scope
      </span>
      <div role="radiogroup" aria-labelledby="scope-label">
        <label className="checkbox-row">
          <input
            type="radio"
            name="scope-mode"
            checked={mode === 'all'}
            onChange={() => onChange({ scopeMode: 'all' })}
          />{' '}
          All users
        </label>
        <label className="checkbox-row">
          <input
            type="radio"
            name="scope-mode"
            checked={mode === 'groups'}
            onChange={() => onChange({ scopeMode: 'groups' })}
          />{' '}
          Members of these groups
        </label>
      </div>
      {mode === 'groups' ? (
        <>
          <ul aria-label="Scope groups">
            {groups.map((g) => (
              <li key={g.id}>
                {g.displayName}{' '}
                <span className="muted">
                  {counts[g.id] === undefined ? '' : `${counts[g.id]} users`}
                </span>{' '}
                <button
                  type="button"
                  onClick={() => onChange({ scopeGroups: groups.filter((x) => x.id !== g.id) })}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          {integrationId ? (
            <div className="rule-row">
              <input
                aria-label="Find groups by name"
                placeholder="Start of a group name"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
              />
              <button type="button" onClick={() => void find()}>
                Find groups
              </button>
            </div>
          ) : (
            <p className="muted">Save the integration first: groups are found through it.</p>
          )}
          {found.length ? (
            <ul aria-label="Groups found">
              {found.map((g) => (
                <li key={g.id}>
                  {g.displayName} <span className="muted">{g.memberCount} users</span>{' '}
                  <button
                    type="button"
                    disabled={groups.some((x) => x.id === g.id)}
                    onClick={() =>
                      onChange({
                        scopeGroups: [...groups, { id: g.id, displayName: g.displayName }],
                      })
                    }
                  >
                    Add
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
      <p className="help">{props.help}</p>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {props.error ? (
        <p className="field-error" role="alert">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
