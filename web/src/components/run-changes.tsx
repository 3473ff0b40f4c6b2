import { useState, type ReactNode } from 'react';
import { LoadState } from './alert.tsx';
import { Pager } from './pager.tsx';
import { listRunChanges } from '../endpoints.ts';
import { describeChange } from '../lib/change-details.ts';
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

/** A run's per-user change log, paged: what changed (before → after) or why skipped. */
export function RunChanges({
  runId,
  refreshKey,
}: {
  runId: string;
  refreshKey: string;
}): ReactNode {
  const [stack, setStack] = useState<CursorStack>(FIRST_PAGE);
  const cursor = currentCursor(stack);
  const page = useLoad(
    () => listRunChanges(runId, cursor, PAGE_SIZE),
    `${runId}:${cursor ?? ''}:${refreshKey}`,
  );
  const nextCursor = page.data?.nextCursor ?? null;
  return (
    <section aria-labelledby="changes-title">
      <h2 id="changes-title">Changes per user</h2>
      <LoadState loading={page.loading && !page.data} error={page.error} />
      {page.data && page.data.items.length === 0 && stack.length === 1 ? (
        <p className="muted">No user changes recorded.</p>
      ) : null}
      {page.data && page.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table changes" data-testid="run-changes">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Action</th>
                <th scope="col">User</th>
                <th scope="col">Details</th>
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
  const described = describeChange(change.details);
  const subject = change.subject || change.externalId || '—';
  return (
    <tr>
      <td className="num">{change.seq}</td>
      <td>
        <span className={`action action-${change.action}`}>{change.action}</span>
      </td>
      <td className="wrap">
        {change.userId ? <Link to={paths.user(change.userId)}>{subject}</Link> : subject}
        {change.externalId && change.externalId !== subject ? (
          <div className="small muted mono" title="Entra object id">
            {change.externalId}
          </div>
        ) : null}
      </td>
      <td className="wrap">
        {described.reason ? <p className="reason">{described.reason}</p> : null}
        {described.diffs.length > 0 ? (
          <ul className="diffs">
            {described.diffs.map((diff) => (
              <li key={diff.field}>
                <span className="diff-field">{diff.field}</span>: <del>{diff.before}</del> →{' '}
                <ins>{diff.after}</ins>
              </li>
            ))}
          </ul>
        ) : null}
      </td>
    </tr>
  );
}
