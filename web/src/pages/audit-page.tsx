import { useState, type FormEvent, type ReactNode } from 'react';
import type { AuditEntryView } from '../../../src/http/automation-schemas.ts';
import { LoadState } from '../components/alert.tsx';
import { Pager } from '../components/pager.tsx';
import { listAudit } from '../endpoints-automation.ts';
import {
  currentCursor,
  FIRST_PAGE,
  pageNumber,
  popCursor,
  pushCursor,
  type CursorStack,
} from '../lib/cursor-stack.ts';
import { formatDateTime } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';

/** What an entry says beyond its action: field names sent, and the ids it concerns. */
function summary(entry: AuditEntryView): string {
  const parts: string[] = [];
  const fields = entry.details.fields;
  if (Array.isArray(fields) && fields.length > 0) parts.push(`fields: ${fields.join(', ')}`);
  for (const key of ['name', 'email', 'scope'] as const) {
    const value = entry.details[key];
    if (typeof value === 'string') parts.push(`${key}: ${value}`);
  }
  if (entry.target)
    parts.push(
      Object.entries(entry.target)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    );
  return parts.join(' · ');
}

/** The audit log: newest first, filtered by actor and action, paged by cursor. */
export function AuditPage(): ReactNode {
  const [actorText, setActorText] = useState('');
  const [actionText, setActionText] = useState('');
  const [filters, setFilters] = useState({ actor: '', action: '' });
  const [stack, setStack] = useState<CursorStack>(FIRST_PAGE);
  const cursor = currentCursor(stack);
  const page = useLoad(
    () => listAudit({ cursor, actor: filters.actor, action: filters.action }),
    `${filters.actor}|${filters.action}|${cursor ?? ''}`,
  );
  const apply = (event: FormEvent): void => {
    event.preventDefault();
    setFilters({ actor: actorText, action: actionText });
    setStack(FIRST_PAGE);
  };

  return (
    <section>
      <h1>Audit log</h1>
      <p className="muted">
        Every change made by an administrator or an API token, and every sign-in. Secrets and
        passwords are never recorded: only the names of the fields that changed.
      </p>
      <form className="toolbar" onSubmit={apply} aria-label="Filter the audit log">
        <label htmlFor="audit-actor">Who</label>
        <input
          id="audit-actor"
          placeholder="Email or token name"
          value={actorText}
          onChange={(e) => setActorText(e.target.value)}
        />
        <label htmlFor="audit-action">Action</label>
        <input
          id="audit-action"
          placeholder="e.g. integration. or user.deactivated"
          value={actionText}
          onChange={(e) => setActionText(e.target.value)}
        />
        <button type="submit">Filter</button>
      </form>
      <LoadState loading={page.loading && !page.data} error={page.error} />
      {page.data && page.data.items.length === 0 ? <p className="muted">No entries.</p> : null}
      {page.data && page.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">From</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatDateTime(entry.occurredAt)}</td>
                  <td className="cell-email">
                    {entry.actor.label}{' '}
                    {entry.actor.type === 'admin' ? null : (
                      <span className="badge badge-neutral">{entry.actor.type}</span>
                    )}
                  </td>
                  <td className="mono">{entry.action}</td>
                  <td className="mono">{entry.ip ?? ''}</td>
                  <td className="small wrap">{summary(entry)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager
        page={pageNumber(stack)}
        hasPrevious={stack.length > 1}
        hasNext={Boolean(page.data?.nextCursor)}
        onPrevious={() => setStack(popCursor(stack))}
        onNext={() => {
          const next = page.data?.nextCursor;
          if (next) setStack(pushCursor(stack, next));
        }}
        label="Audit log pages"
      />
    </section>
  );
}
