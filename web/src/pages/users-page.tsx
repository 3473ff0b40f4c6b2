import { useState, type FormEvent, type ReactNode } from 'react';
import { LoadState } from '../components/alert.tsx';
import { NewUserForm } from '../components/new-user-form.tsx';
import { Pager } from '../components/pager.tsx';
import { UserStatus } from '../components/user-status.tsx';
import { ReactivateButton } from '../components/reactivate-button.tsx';
import { listUnits, listUsers, type UserTab } from '../endpoints.ts';
import { deactivationText } from '../lib/deactivation.ts';
import {
  currentCursor,
  FIRST_PAGE,
  pageNumber,
  popCursor,
  pushCursor,
  type CursorStack,
} from '../lib/cursor-stack.ts';
import { formatDate, fullName } from '../lib/format.ts';
import { paths } from '../lib/routes.ts';
import { useLoad } from '../lib/use-load.ts';
import { Link, navigate } from '../router.tsx';

const TABS: { tab: UserTab; label: string }[] = [
  { tab: 'all', label: 'All' },
  { tab: 'unassigned', label: 'Unassigned' },
  { tab: 'deactivated', label: 'Deactivated' },
];

function tabFromUrl(): UserTab {
  const value = new URLSearchParams(window.location.search).get('tab');
  return value === 'unassigned' || value === 'deactivated' ? value : 'all';
}

/** Users in three tabs (All / Unassigned / Deactivated) with search and cursor paging. */
export function UsersPage(): ReactNode {
  const [tab, setTab] = useState<UserTab>(tabFromUrl);
  const [searchText, setSearchText] = useState('');
  const [q, setQ] = useState('');
  const [stack, setStack] = useState<CursorStack>(FIRST_PAGE);
  const [creating, setCreating] = useState(false);
  const cursor = currentCursor(stack);
  // "Show members" on the Units page links here with ?unitId= (issue 17).
  const [unitId, setUnitId] = useState(
    () => new URLSearchParams(window.location.search).get('unitId') ?? null,
  );
  const units = useLoad(() => (unitId ? listUnits() : Promise.resolve([])), unitId ?? '');
  const unitName = units.data?.find((u) => u.id === unitId)?.name ?? 'one unit';
  const page = useLoad(
    () => listUsers(tab, q, cursor, 50, unitId),
    `${tab}|${q}|${cursor ?? ''}|${unitId ?? ''}`,
  );
  const nextCursor = page.data?.nextCursor ?? null;

  const chooseTab = (next: UserTab): void => {
    setTab(next);
    setStack(FIRST_PAGE);
    window.history.replaceState(
      null,
      '',
      next === 'all' ? paths.users() : `${paths.users()}?tab=${next}`,
    );
  };
  const search = (event: FormEvent): void => {
    event.preventDefault();
    setQ(searchText.trim());
    setStack(FIRST_PAGE);
  };

  return (
    <section>
      <div className="page-head">
        <h1>Users</h1>
        {!creating ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New user
          </button>
        ) : null}
      </div>
      {creating ? (
        <NewUserForm
          onCreated={(user) => navigate(paths.user(user.id))}
          onCancel={() => setCreating(false)}
        />
      ) : null}

      <div className="toolbar">
        <div role="tablist" aria-label="User lists" className="tabs">
          {TABS.map((item) => (
            <button
              key={item.tab}
              type="button"
              role="tab"
              id={`tab-${item.tab}`}
              aria-selected={tab === item.tab}
              aria-controls="users-panel"
              tabIndex={tab === item.tab ? 0 : -1}
              className={tab === item.tab ? 'tab selected' : 'tab'}
              onClick={() => chooseTab(item.tab)}
              onKeyDown={(event) => {
                // Arrow keys move between tabs, as in every tablist.
                const index = TABS.findIndex((t) => t.tab === tab);
                const delta = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
                if (!delta) return;
                const next = TABS[(index + delta + TABS.length) % TABS.length];
                if (next) {
                  chooseTab(next.tab);
                  document.getElementById(`tab-${next.tab}`)?.focus();
                }
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
        {unitId ? (
          <p className="filter-chip" data-testid="unit-filter">
            Members of <strong>{unitName}</strong> only.{' '}
            <button
              type="button"
              onClick={() => {
                setUnitId(null);
                setStack(FIRST_PAGE);
                window.history.replaceState(null, '', paths.users());
              }}
            >
              Show all users
            </button>
          </p>
        ) : null}
        <form className="search" role="search" onSubmit={search}>
          <label htmlFor="users-search" className="visually-hidden">
            Search users
          </label>
          <input
            id="users-search"
            type="search"
            placeholder="Name or email"
            value={searchText}
            onChange={(event) => setSearchText(event.target.value)}
          />
          <button type="submit">Search</button>
        </form>
      </div>

      <div id="users-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        <LoadState loading={page.loading && !page.data} error={page.error} />
        {page.data && page.data.items.length === 0 ? (
          <p className="muted">{q ? `No users match “${q}”.` : 'No users here.'}</p>
        ) : null}
        {page.data && page.data.items.length > 0 ? (
          <div className="table-wrap">
            <table className="table" data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  {tab === 'deactivated' ? (
                    <>
                      <th scope="col">Deactivated</th>
                      <th scope="col">Purge date</th>
                      <th scope="col">Why</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </>
                  ) : (
                    <>
                      <th scope="col">Status</th>
                      <th scope="col">Memberships</th>
                    </>
                  )}
                </tr>
              </thead>
              <tbody>
                {page.data.items.map((user) => (
                  <tr key={user.id}>
                    <td className="cell-name">
                      <Link to={paths.user(user.id)} className="truncate" title={fullName(user)}>
                        {fullName(user)}
                      </Link>
                      {user.source ? <span className="small muted"> · synced</span> : null}
                    </td>
                    <td className="cell-email">
                      <span className="truncate" title={user.email}>
                        {user.email}
                      </span>
                    </td>
                    {tab === 'deactivated' ? (
                      <>
                        <td>{formatDate(user.deactivatedAt)}</td>
                        <td>{formatDate(user.purgeAfter)}</td>
                        <td className="wrap small">{deactivationText(user.deactivationReason)}</td>
                        <td>
                          <ReactivateButton user={user} onDone={() => page.reload()} />
                        </td>
                      </>
                    ) : (
                      <>
                        <td>
                          <UserStatus user={user} />
                        </td>
                        <td>{user.memberships.length}</td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {page.data ? (
          <Pager
            label="User pages"
            page={pageNumber(stack)}
            hasPrevious={stack.length > 1}
            hasNext={nextCursor !== null}
            onPrevious={() => setStack(popCursor(stack))}
            onNext={() => nextCursor && setStack(pushCursor(stack, nextCursor))}
          />
        ) : null}
      </div>
    </section>
  );
}
