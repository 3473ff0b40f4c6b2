import { useState, type FormEvent, type ReactNode } from 'react';
import type { CreatedTokenView, TokenView } from '../../../src/http/automation-schemas.ts';
import { Alert, LoadState } from '../components/alert.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { createToken, listTokens, revokeToken } from '../endpoints-automation.ts';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';
import { useAction } from '../lib/use-action.ts';

/** API tokens: create (the value is shown once), list with last use, revoke. */
export function TokensPage(): ReactNode {
  const tokens = useLoad(listTokens, 'tokens');
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'read-write'>('read');
  const [days, setDays] = useState('90');
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction();
  const busy = action.busy !== null;
  const error = problem ?? action.error;
  const [created, setCreated] = useState<CreatedTokenView | null>(null);

  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const expiresInDays = Number.parseInt(days, 10);
    if (!name.trim()) return setProblem('Enter a name that says what the token is for.');
    if (!(expiresInDays >= 1 && expiresInDays <= 366)) {
      return setProblem('The token must expire within 1 to 366 days.');
    }
    setProblem(null);
    await action.run('create', async () => {
      setCreated(await createToken({ name: name.trim(), scope, expiresInDays }));
      setName('');
      await tokens.reload();
    });
  };

  return (
    <section>
      <h1>API tokens</h1>
      <p className="muted">
        Scripts call the API with <code>Authorization: Bearer &lt;token&gt;</code>. A token acts for
        the organisation; it cannot manage administrators or tokens.
      </p>
      <form
        className="card form compact"
        onSubmit={(e) => void create(e)}
        noValidate
        aria-label="New token"
      >
        {error ? <Alert>{error}</Alert> : null}
        <div className="form-columns">
          <div className="field">
            <label htmlFor="token-name">Name</label>
            <input
              id="token-name"
              value={name}
              maxLength={200}
              placeholder="e.g. Nightly sync script"
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="token-scope">Scope</label>
            <select
              id="token-scope"
              value={scope}
              onChange={(e) => setScope(e.target.value === 'read-write' ? 'read-write' : 'read')}
            >
              <option value="read">Read only</option>
              <option value="read-write">Read and write</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="token-days">Expires in (days)</label>
            <input
              id="token-days"
              type="number"
              min={1}
              max={366}
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Create token
          </button>
        </div>
      </form>
      {created ? (
        <Alert kind="success" testId="new-token">
          <p>
            Token <strong>{created.name}</strong> created. Copy it now: it is not shown again.
          </p>
          <p>
            <code className="mono wrap" data-testid="new-token-value">
              {created.token}
            </code>
          </p>
        </Alert>
      ) : null}
      <LoadState loading={tokens.loading && !tokens.data} error={tokens.error} />
      {tokens.data && tokens.data.length === 0 ? <p className="muted">No tokens yet.</p> : null}
      {tokens.data && tokens.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="tokens-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <TokenRow key={token.id} token={token} onChanged={tokens.reload} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function TokenRow({
  token,
  onChanged,
}: {
  token: TokenView;
  onChanged: () => Promise<void>;
}): ReactNode {
  const { error, run } = useAction();
  const expired = Date.parse(token.expiresAt) <= Date.now();
  return (
    <tr>
      <td className="cell-name">{token.name}</td>
      <td>{token.scope === 'read' ? 'Read only' : 'Read and write'}</td>
      <td>{formatDate(token.createdAt)}</td>
      <td>{formatDate(token.expiresAt)}</td>
      <td>
        {token.lastUsedAt
          ? `${formatDateTime(token.lastUsedAt)} from ${token.lastUsedIp ?? '?'}`
          : 'Never'}
      </td>
      <td>
        {token.revokedAt ? (
          <span className="badge badge-neutral">Revoked {formatDate(token.revokedAt)}</span>
        ) : expired ? (
          <span className="badge badge-warn">Expired</span>
        ) : (
          <ConfirmButton
            label="Revoke"
            ariaLabel={`Revoke ${token.name}`}
            question={`Revoke ${token.name}? Scripts using it stop working at once.`}
            confirmLabel="Yes, revoke"
            onConfirm={async () => {
              await run('revoke', async () => {
                await revokeToken(token.id);
                await onChanged();
              });
            }}
          />
        )}
        {error ? <Alert>{error}</Alert> : null}
      </td>
    </tr>
  );
}
