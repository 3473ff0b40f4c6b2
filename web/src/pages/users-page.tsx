import { SearchForm } from '../components/search-form.tsx';
import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import { Alert, LoadState } from '../components/alert.tsx';
import { NewUserForm } from '../components/new-user-form.tsx';
import { Pager } from '../components/pager.tsx';
import { UnassignedGroups } from '../components/unassigned-groups.tsx';
import { UserStatus } from '../components/user-status.tsx';
import { ReactivateButton } from '../components/reactivate-button.tsx';
import { listIntegrations, listUnits, listUserTypes } from '../endpoints.ts';
import { deactivationText } from '../lib/deactivation.ts';
import {
  exportCsvUrl,
  listFilteredUsers,
  userCounts,
  type UserTab,
} from '../endpoints-admin-view.ts';
import { formatCount, formatDate, fullName } from '../lib/format.ts';
import { paths } from '../lib/routes.ts';
import { useAction } from '../lib/use-action.ts';
import { useLoad } from '../lib/use-load.ts';
import { parseUsersUrl, usersUrlQuery, type UsersUrlState } from '../lib/users-url.ts';
import { Link, navigate } from '../router.tsx';
import type { Integration, Unit, User, UserType } from '../types.ts';

const TABS: { tab: UserTab; label: string }[] = [
  { tab: 'all', label: 'All' },
  { tab: 'unassigned', label: 'Unassigned' },
  { tab: 'deactivated', label: 'Deactivated' },
];

/**
 * Users in three tabs (All / Unassigned / Deactivated) with totals, filters by unit, user type
 * and integration, accent-insensitive search, cursor paging and CSV export; the Unassigned tab
 * groups users by cause. Everything that selects rows is in the URL.
 */
export function UsersPage(): ReactNode {
  const [state, setState] = useState<UsersUrlState>(() => parseUsersUrl(window.location.search));
  const [searchText, setSearchText] = useState(state.search);
  // Previous pages' cursors, to go back; the current page's cursor is in the URL.
  const [previous, setPrevious] = useState<(string | null)[]>([]);
  const [creating, setCreating] = useState(false);
  const action = useAction();
  const { tab } = state;
  const filtered = Boolean(state.search || state.unitId || state.userTypeId || state.integrationId);
  // The groups honour the search and filters: they add up to the tab's filtered total.
  const grouped = tab === 'unassigned' && state.view === 'groups';

  const units = useLoad(listUnits, 'units');
  const types = useLoad(listUserTypes, 'types');
  const integrations = useLoad(listIntegrations, 'integrations');
  const filterKey = `${state.search}|${state.unitId}|${state.userTypeId}|${state.integrationId}`;
  const [countsVersion, setCountsVersion] = useState(0);
  const counts = useLoad(() => userCounts(state), `${filterKey}|${countsVersion}`);
  const page = useLoad(
    () => (grouped ? Promise.resolve(null) : listFilteredUsers(tab, state, state.after)),
    `${tab}|${state.view}|${filterKey}|${state.after ?? ''}|${countsVersion}`,
  );
  const nextCursor = page.data?.nextCursor ?? null;

  const go = (patch: Partial<UsersUrlState>, keepPages = false): void => {
    const next = { ...state, ...patch };
    if (!keepPages) {
      next.after = patch.after ?? null;
      setPrevious([]);
    }
    setState(next);
    window.history.replaceState(null, '', paths.users() + usersUrlQuery(next));
  };
  const search = (event: FormEvent): void => {
    event.preventDefault();
    // A search looks for particular people: the Unassigned tab lists them (By cause still
    // shows the causes of the users found).
    go({ search: searchText.trim(), ...(searchText.trim() ? { view: 'list' as const } : {}) });
  };
  // Reactivate asks first and warns when Entra still has the user disabled or deleted
  // (ReactivateButton, issue 17); afterwards the lists and totals are read again.
  const [reactivatedNote, setReactivatedNote] = useState<string | null>(null);
  const reactivated = (name: string) => {
    setReactivatedNote(`✓ ${name} reactivated: back under All.`);
    setCountsVersion((v) => v + 1);
  };
  const placed = useCallback(() => setCountsVersion((v) => v + 1), []);

  const unitNames = new Map((units.data ?? []).map((u) => [u.id, u.name]));
  const typeNames = new Map((types.data ?? []).map((t) => [t.id, t.name]));
  const integrationNames = new Map((integrations.data ?? []).map((i) => [i.id, i.name]));

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
      {reactivatedNote ? (
        <p role="status" className="saved-note" data-testid="reactivated-note">
          {reactivatedNote}
        </p>
      ) : null}
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
              onClick={() => go({ tab: item.tab })}
              onKeyDown={(event) => {
                // Arrow keys move between tabs, as in every tablist.
                const index = TABS.findIndex((t) => t.tab === tab);
                const delta = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
                if (!delta) return;
                const next = TABS[(index + delta + TABS.length) % TABS.length];
                if (next) {
                  go({ tab: next.tab });
                  document.getElementById(`tab-${next.tab}`)?.focus();
                }
              }}
            >
              {item.label}
              {counts.data ? (
                <>
                  <span className="visually-hidden">: </span>
                  <span className="tab-count" data-testid={`tab-count-${item.tab}`}>
                    {formatCount(counts.data[item.tab])}
                  </span>
                </>
              ) : null}
            </button>
          ))}
        </div>
        <SearchForm
          id="users-search"
          label="Search users by name or email"
          value={searchText}
          onChange={setSearchText}
          onSubmit={search}
        />
      </div>

      <div className="filters" aria-label="Filters" role="group">
        <FilterSelect
          id="filter-unit"
          label="Unit"
          value={state.unitId}
          options={units.data ?? []}
          onChange={(unitId) => go({ unitId })}
        />
        <FilterSelect
          id="filter-type"
          label="User type"
          value={state.userTypeId}
          options={types.data ?? []}
          onChange={(userTypeId) => go({ userTypeId })}
        />
        <FilterSelect
          id="filter-integration"
          label="Integration"
          value={state.integrationId}
          options={integrations.data ?? []}
          onChange={(integrationId) => go({ integrationId })}
        />
        {filtered ? (
          <button
            type="button"
            onClick={() => {
              setSearchText('');
              go({ search: '', unitId: '', userTypeId: '', integrationId: '' });
            }}
          >
            Clear filters
          </button>
        ) : null}
        <a
          className="button"
          href={exportCsvUrl(tab, state)}
          download="users.csv"
          data-testid="export-csv"
        >
          Export CSV
        </a>
      </div>

      <div id="users-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'unassigned' ? (
          <div className="view-toggle" role="group" aria-label="Show unassigned users">
            <button type="button" aria-pressed={grouped} onClick={() => go({ view: 'groups' })}>
              By cause
            </button>
            <button type="button" aria-pressed={!grouped} onClick={() => go({ view: 'list' })}>
              Each user
            </button>
          </div>
        ) : null}
        {action.error ? <Alert>{action.error}</Alert> : null}
        {grouped ? (
          <UnassignedGroups
            units={units.data ?? []}
            filters={state}
            filterKey={filterKey}
            onPlaced={placed}
          />
        ) : (
          <UserTable
            tab={tab}
            loading={page.loading && !page.data}
            error={page.error}
            users={page.data?.items ?? null}
            emptyText={
              state.search
                ? `No users match “${state.search}”.`
                : filtered
                  ? 'No users match these filters.'
                  : 'No users here.'
            }
            unitNames={unitNames}
            typeNames={typeNames}
            integrationNames={integrationNames}
            onReactivated={reactivated}
          />
        )}
        {!grouped && page.data ? (
          <Pager
            label="User pages"
            page={previous.length + 1}
            hasPrevious={previous.length > 0}
            hasNext={nextCursor !== null}
            onPrevious={() => {
              const back = previous[previous.length - 1] ?? null;
              setPrevious(previous.slice(0, -1));
              go({ after: back }, true);
            }}
            onNext={() => {
              if (!nextCursor) return;
              setPrevious([...previous, state.after]);
              go({ after: nextCursor }, true);
            }}
          />
        ) : null}
      </div>
    </section>
  );
}

function FilterSelect({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: (Unit | UserType | Integration)[];
  onChange: (value: string) => void;
}): ReactNode {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {[...options]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
      </select>
    </div>
  );
}

function UserTable(props: {
  tab: UserTab;
  loading: boolean;
  error: string | null;
  users: User[] | null;
  emptyText: string;
  unitNames: Map<string, string>;
  typeNames: Map<string, string>;
  integrationNames: Map<string, string>;
  onReactivated: (name: string) => void;
}): ReactNode {
  const { tab, users } = props;
  return (
    <>
      <LoadState loading={props.loading} error={props.error} />
      {users && users.length === 0 ? <p className="muted">{props.emptyText}</p> : null}
      {users && users.length > 0 && tab !== 'deactivated' ? (
        <p className="small muted legend">
          <span className="chip chip-managed">Unit</span> synced by an integration ·{' '}
          <span className="chip">Unit</span> added by hand
        </p>
      ) : null}
      {users && users.length > 0 ? (
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
                    <th scope="col">Integration</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </>
                ) : (
                  <>
                    <th scope="col">Units</th>
                    <th scope="col">User types</th>
                    <th scope="col">Integration</th>
                    <th scope="col">Status</th>
                  </>
                )}
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id}>
                  <td className="cell-name">
                    <Link to={paths.user(user.id)} className="truncate" title={fullName(user)}>
                      {fullName(user)}
                    </Link>
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
                      <td className="cell-nowrap">
                        {integrationCell(user, props.integrationNames)}
                      </td>
                      <td>
                        <ReactivateButton
                          user={user}
                          onDone={() => props.onReactivated(fullName(user))}
                        />
                      </td>
                    </>
                  ) : (
                    <>
                      <td data-testid="cell-units">
                        <span className="chips">
                          {user.memberships.map((m) => (
                            <span
                              key={m.unitId}
                              className={m.managedBy ? 'chip chip-managed' : 'chip'}
                              title={m.managedBy ? 'Managed by the integration' : 'Added by hand'}
                            >
                              {props.unitNames.get(m.unitId) ?? '…'}
                              <span className="visually-hidden">
                                {m.managedBy ? ' (synced)' : ' (manual)'}
                              </span>
                            </span>
                          ))}
                        </span>
                      </td>
                      <td data-testid="cell-types">
                        {[
                          ...new Set(
                            user.memberships.flatMap((m) =>
                              m.userTypeIds.map((t) => props.typeNames.get(t) ?? '…'),
                            ),
                          ),
                        ].join(', ')}
                      </td>
                      <td className="cell-nowrap">
                        {integrationCell(user, props.integrationNames)}
                      </td>
                      <td>
                        <UserStatus user={user} />
                      </td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

function integrationCell(user: User, names: Map<string, string>): ReactNode {
  if (!user.source) return <span className="muted">platform</span>;
  return names.get(user.source.integrationId) ?? 'synced';
}
