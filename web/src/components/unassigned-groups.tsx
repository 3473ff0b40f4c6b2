import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { UnassignedGroupView } from '../../../src/http/unassigned-schemas.ts';
import { createUnit, createUserType } from '../endpoints.ts';
import { groupUsers, unassignedGroups, type UserFilters } from '../endpoints-admin-view.ts';
import { formatCount, fullName } from '../lib/format.ts';
import { paths } from '../lib/routes.ts';
import { flattenTree } from '../lib/unit-tree.ts';
import { useAction } from '../lib/use-action.ts';
import { useLoad } from '../lib/use-load.ts';
import { Link } from '../router.tsx';
import type { Unit, User } from '../types.ts';
import { Alert, LoadState } from './alert.tsx';

/** How long the page follows the reconcile after a fix before it stops polling. */
const FOLLOW_MS = 20_000;
const POLL_MS = 1_000;

function people(n: number): string {
  return n === 1 ? '1 user' : `${formatCount(n)} users`;
}

/**
 * The Unassigned tab grouped by cause (issue 13), largest group first, with the fix beside
 * each cause. A fix creates the unit or user type; the service reconciles at once, and the
 * list follows until the users are placed.
 */
export function UnassignedGroups({
  units,
  filters,
  filterKey,
  onPlaced,
}: {
  units: Unit[];
  /** The list's search and filters: the groups count the users the filtered tab lists. */
  filters: UserFilters;
  /** Changes whenever `filters` do. */
  filterKey: string;
  onPlaced: () => void;
}): ReactNode {
  const [version, setVersion] = useState(0);
  const groups = useLoad(() => unassignedGroups(filters), `groups-${filterKey}-${version}`);
  const [following, setFollowing] = useState<{ key: string; until: number; name: string } | null>(
    null,
  );
  const [placed, setPlaced] = useState<string | null>(null);

  // After a fix: reload every second until the fixed group is gone (or time runs out).
  useEffect(() => {
    if (!following) return;
    const still = groups.data?.groups.some((g) => g.key === following.key) ?? true;
    if (!still) {
      setPlaced(`Created “${following.name}”: its users are placed.`);
      setFollowing(null);
      onPlaced();
      return;
    }
    if (Date.now() > following.until) {
      setFollowing(null);
      return;
    }
    const timer = window.setTimeout(() => setVersion((v) => v + 1), POLL_MS);
    return () => window.clearTimeout(timer);
  }, [following, groups.data, onPlaced]);

  const data = groups.data;
  return (
    <div data-testid="unassigned-groups">
      <LoadState loading={groups.loading && !data} error={groups.error} />
      {placed ? (
        <Alert kind="success" testId="group-fixed">
          {placed}
        </Alert>
      ) : null}
      {following ? (
        <p role="status" className="muted">
          Placing the users of “{following.name}”…
        </p>
      ) : null}
      {data && data.groups.length === 0 ? (
        <p className="muted">Every active user has a unit and a user type.</p>
      ) : null}
      {data && data.groups.length > 0 ? (
        <>
          <p className="muted small">
            {people(data.totalUsers)} without a unit and a user type, by cause — largest first.
          </p>
          <ul className="groups" aria-label="Unassigned users by cause">
            {data.groups.map((g) => (
              <GroupItem
                key={g.key}
                group={g}
                units={units}
                filters={filters}
                onFixed={(name) => {
                  setPlaced(null);
                  setFollowing({ key: g.key, until: Date.now() + FOLLOW_MS, name });
                  setVersion((v) => v + 1);
                }}
              />
            ))}
          </ul>
          {data.otherUsers > 0 ? (
            <p className="muted small">{people(data.otherUsers)} more in smaller groups.</p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function GroupItem({
  group,
  units,
  filters,
  onFixed,
}: {
  group: UnassignedGroupView;
  units: Unit[];
  filters: UserFilters;
  onFixed: (name: string) => void;
}): ReactNode {
  const [open, setOpen] = useState(false);
  const [fixing, setFixing] = useState(false);
  const [parentId, setParentId] = useState('');
  const action = useAction();
  const fix = group.action;
  const id = `group-${group.key.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  const parentRef = useRef<HTMLSelectElement>(null);

  useEffect(() => {
    if (fixing) parentRef.current?.focus();
  }, [fixing]);

  const createIt = () =>
    action.run('create', async () => {
      if (!fix) return;
      if (fix.type === 'create-unit') await createUnit(fix.name, parentId || null);
      else await createUserType(fix.name);
      setFixing(false);
      onFixed(fix.name);
    });

  return (
    <li className="group" data-testid="unassigned-group" data-kind={group.kind}>
      <div className="group-head">
        <span className="group-count" data-testid="group-count">
          {people(group.users)}
        </span>
        <span className="group-label" id={`${id}-label`}>
          {group.label}
        </span>
        {fix && fix.type === 'create-user-type' ? (
          <button
            type="button"
            className="primary"
            disabled={action.busy !== null}
            onClick={() => void createIt()}
          >
            {action.busy ? 'Creating…' : `Create user type “${fix.name}”`}
          </button>
        ) : null}
        {fix && fix.type === 'create-unit' && !fixing ? (
          <button type="button" className="primary" onClick={() => setFixing(true)}>
            Create unit “{fix.name}”…
          </button>
        ) : null}
        {group.kind === 'ambiguous-unit' ? (
          <Link to={paths.units()} className="button">
            Open units
          </Link>
        ) : null}
        <button
          type="button"
          aria-expanded={open}
          aria-controls={`${id}-users`}
          aria-describedby={`${id}-label`}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide users' : 'Show users'}
        </button>
      </div>
      {fixing && fix ? (
        <form
          className="group-fix"
          aria-label={`Create unit ${fix.name}`}
          onSubmit={(event) => {
            event.preventDefault();
            void createIt();
          }}
        >
          <div className="filters">
            <div className="field">
              <label htmlFor={`${id}-parent`}>Where in the unit tree</label>
              <select
                id={`${id}-parent`}
                ref={parentRef}
                value={parentId}
                onChange={(e) => setParentId(e.target.value)}
              >
                <option value="">(top level)</option>
                {flattenTree(units).map(({ unit, depth }) => (
                  <option key={unit.id} value={unit.id}>
                    {'\u00a0\u00a0'.repeat(depth)}
                    {unit.name}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="primary" disabled={action.busy !== null}>
              {action.busy ? 'Creating…' : `Create “${fix.name}”`}
            </button>
            <button type="button" onClick={() => setFixing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      {action.error ? <Alert>{action.error}</Alert> : null}
      {open ? <GroupUsers id={`${id}-users`} groupKey={group.key} filters={filters} /> : null}
    </li>
  );
}

/** The users of one group, twenty at a time. */
function GroupUsers({
  id,
  groupKey,
  filters,
}: {
  id: string;
  groupKey: string;
  filters: UserFilters;
}): ReactNode {
  const [users, setUsers] = useState<User[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const action = useAction();
  const more = (cursor: string | null) =>
    action.run('load', async () => {
      const page = await groupUsers(groupKey, cursor, filters);
      setUsers((list) => (cursor ? [...list, ...page.items] : page.items));
      setNext(page.nextCursor);
    });
  useEffect(() => {
    void more(null);
    // Loaded once per group: `more` is a new function on every render.
  }, [groupKey]);
  return (
    <div id={id} className="group-fix">
      {action.error ? <Alert>{action.error}</Alert> : null}
      <ul className="plain-list" data-testid="group-users">
        {users.map((u) => (
          <li key={u.id}>
            <Link to={paths.user(u.id)}>{fullName(u)}</Link>{' '}
            <span className="muted small">{u.email}</span>
          </li>
        ))}
      </ul>
      {next ? (
        <button type="button" className="link" onClick={() => void more(next)}>
          {action.busy ? 'Loading…' : 'More users'}
        </button>
      ) : null}
    </div>
  );
}
