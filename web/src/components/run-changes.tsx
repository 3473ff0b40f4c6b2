import { SearchForm } from './search-form.tsx';
import { useState, type FormEvent, type ReactNode } from 'react';
import { LoadState } from './alert.tsx';
import { Pager } from './pager.tsx';
import { listRunChanges } from '../endpoints.ts';
import { ACTION_LABELS, describeChange } from '../lib/change-details.ts';
import {
  currentCursor,
  FIRST_PAGE,
  pageNumber,
  popCursor,
  pushCursor,
  type CursorStack,
} from '../lib/cursor-stack.ts';
import { paths } from '../lib/routes.ts';
import { useLoad } from '../lib/use-load.ts';
import { Link } from '../router.tsx';
import type { RunChange } from '../types.ts';

const PAGE_SIZE = 50;

/**
 * A run's per-user change log, paged, in words: what changed (before → after), why a user was
 * skipped, held or left unassigned. Held rows come first (the server orders them); filters by
 * action and a search by name or email are applied by the server.
 */
export function RunChanges({
  runId,
  refreshKey,
}: {
  runId: string;
  refreshKey: string;
}): ReactNode {
  const [stack, setStack] = useState<CursorStack>(FIRST_PAGE);
  const [action, setAction] = useState('');
  const [searchText, setSearchText] = useState('');
  const [q, setQ] = useState('');
  const cursor = currentCursor(stack);
  const page = useLoad(
    () =>
      listRunChanges(runId, cursor, PAGE_SIZE, {
        ...(action ? { action } : {}),
        ...(q ? { q } : {}),
      }),
    `${runId}:${cursor ?? ''}:${action}:${q}:${refreshKey}`,
  );
  const nextCursor = page.data?.nextCursor ?? null;
  const filtered = action !== '' || q !== '';
  const search = (event: FormEvent): void => {
    event.preventDefault();
    setQ(searchText.trim());
    setStack(FIRST_PAGE);
  };
  return (
    <section aria-labelledby="changes-title">
      <h2 id="changes-title">Changes per user</h2>
      <div className="toolbar changes-filters">
        <div className="filter-field">
          <label htmlFor="changes-action">Show</label>
          <select
            id="changes-action"
            value={action}
            onChange={(event) => {
              setAction(event.target.value);
              setStack(FIRST_PAGE);
            }}
          >
            <option value="">All changes</option>
            {Object.entries(ACTION_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <SearchForm
          id="changes-search"
          label="Search changes by name or email"
          value={searchText}
          onChange={setSearchText}
          onSubmit={search}
        />
      </div>
      <LoadState loading={page.loading && !page.data} error={page.error} />
      {page.data && page.data.items.length === 0 && stack.length === 1 ? (
        <p className="muted">
          {filtered ? 'No changes match these filters.' : 'No user changes recorded.'}
        </p>
      ) : null}
      {page.data && page.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table changes stack-on-phone" data-testid="run-changes">
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col" className="col-user">
                  User
                </th>
                <th scope="col">What and why</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((change) => (
                <ChangeRow key={change.seq} change={change} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page.data && (stack.length > 1 || nextCursor) ? (
        <Pager
          label="Changes pages"
          page={pageNumber(stack)}
          hasPrevious={stack.length > 1}
          hasNext={nextCursor !== null}
          onPrevious={() => setStack(popCursor(stack))}
          onNext={() => nextCursor && setStack(pushCursor(stack, nextCursor))}
        />
      ) : null}
    </section>
  );
}

function ChangeRow({ change }: { change: RunChange }): ReactNode {
  const described = describeChange(change.action, change.details);
  const subject = change.subject || change.externalId || '—';
  return (
    <tr data-testid="change-row" data-action={change.action}>
      <td data-label="Action">
        <span className={`action action-${change.action}`}>
          {ACTION_LABELS[change.action] ?? change.action}
        </span>
      </td>
      <td className="wrap col-user" data-label="User">
        {change.userId ? <Link to={paths.user(change.userId)}>{subject}</Link> : subject}
      </td>
      <td className="wrap" data-label="What and why">
        {described.summary ? <p className="summary">{described.summary}</p> : null}
        {described.diffs.length > 0 ? (
          <ul className="diffs">
            {described.diffs.map((diff) => (
              <li key={diff.field}>
                <span className="diff-field">{diff.field}</span>:{' '}
                {diff.before === '—' ? null : (
                  <>
                    <del>{diff.before}</del> →{' '}
                  </>
                )}
                <ins>{diff.after}</ins>
              </li>
            ))}
          </ul>
        ) : null}
        {described.reason ? <p className="reason">Why: {described.reason}</p> : null}
        {described.notes.map((note) => (
          <p key={note} className="small note">
            Note: {note}
          </p>
        ))}
        {described.warnings.map((warning) => (
          <p key={warning} className="small warning-text">
            Warning: {warning}
          </p>
        ))}
      </td>
    </tr>
  );
}
