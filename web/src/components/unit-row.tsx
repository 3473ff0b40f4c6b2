import { useState, type FormEvent, type ReactNode } from 'react';
import { ConfirmButton } from './confirm-button.tsx';
import { ImpactConfirm } from './impact-confirm.tsx';
import { deleteUnit, unitImpact, updateUnit } from '../endpoints.ts';
import { isRisky, type ImpactView } from '../lib/impact.ts';
import { subtreeIds, type TreeRow } from '../lib/unit-tree.ts';
import { paths } from '../lib/routes.ts';
import { Link } from '../router.tsx';
import type { UnitWithCounts as Unit } from '../types.ts';
import { useAction } from '../lib/use-action.ts';

interface Props {
  row: TreeRow;
  units: Unit[];
  /** Display order of all units, for the parent select. */
  rows: TreeRow[];
  onChanged: () => Promise<void>;
}

type Mode = 'view' | 'rename' | 'move';

/** One unit in the tree, indented by depth, with rename, move and delete. */
export function UnitRow({ row, units, rows, onChanged }: Props): ReactNode {
  const { unit, depth } = row;
  const [mode, setMode] = useState<Mode>('view');
  const [name, setName] = useState(unit.name);
  const [parentId, setParentId] = useState(unit.parentId ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction();
  const busy = action.busy !== null;
  const error = problem ?? action.error;
  /** What a rename would do, shown before it is made (issue 17). */
  const [pendingImpact, setPendingImpact] = useState<ImpactView | null>(null);
  /** Leaves rename/move: a cancelled rename must not come back next time. */
  const cancel = (): void => {
    setMode('view');
    setName(unit.name);
    setParentId(unit.parentId ?? '');
    setPendingImpact(null);
    setProblem(null);
    action.clearError();
  };
  // A unit cannot move under itself or its own descendants.
  const excluded = subtreeIds(units, unit.id);

  /** Runs a change; `'stay'` keeps the form open (a question about its impact is shown). */
  const act = async (work: () => Promise<unknown>): Promise<void> => {
    setProblem(null);
    await action.run('change', async () => {
      if ((await work()) === STAY) return;
      setMode('view');
      await onChanged();
    });
  };
  const submitRename = (event: FormEvent): void => {
    event.preventDefault();
    if (!name.trim()) {
      setProblem('Enter a name.');
      return;
    }
    void act(async () => {
      const impact = await unitImpact({ action: 'rename', unitId: unit.id, name: name.trim() });
      if (isRisky(impact)) {
        setPendingImpact(impact);
        // Stay in rename mode: the question is answered below.
        return STAY;
      }
      return updateUnit(unit.id, { name: name.trim() });
    });
  };
  const confirmRename = (): void => {
    setPendingImpact(null);
    void act(() => updateUnit(unit.id, { name: name.trim() }));
  };
  const submitMove = (event: FormEvent): void => {
    event.preventDefault();
    void act(() => updateUnit(unit.id, { parentId: parentId || null }));
  };

  return (
    <li className="tree-row" style={{ paddingLeft: `${depth * 1.5}rem` }} data-testid="unit-row">
      <div className="tree-line">
        {mode === 'rename' ? (
          <form className="inline-form" onSubmit={submitRename}>
            <label htmlFor={`rename-${unit.id}`} className="visually-hidden">
              New name for {unit.name}
            </label>
            <input
              id={`rename-${unit.id}`}
              value={name}
              onChange={(e) => setName(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') cancel();
              }}
              autoFocus
              maxLength={200}
            />
            <button type="submit" className="primary" disabled={busy}>
              Save
            </button>
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          </form>
        ) : mode === 'move' ? (
          <form className="inline-form" onSubmit={submitMove}>
            <span className="tree-name" title={unit.name}>
              {unit.name}
            </span>
            <label htmlFor={`move-${unit.id}`}>Parent</label>
            <select
              id={`move-${unit.id}`}
              value={parentId}
              onChange={(e) => setParentId(e.target.value)}
              autoFocus
            >
              <option value="">(top level)</option>
              {rows
                .filter((r) => !excluded.has(r.unit.id))
                .map((r) => (
                  <option key={r.unit.id} value={r.unit.id}>
                    {'\u00a0\u00a0'.repeat(r.depth)}
                    {r.unit.name}
                  </option>
                ))}
            </select>
            <button type="submit" className="primary" disabled={busy}>
              Move
            </button>
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          </form>
        ) : (
          <>
            <span className="tree-name" title={unit.name}>
              {depth > 0 ? (
                <span className="tree-branch" aria-hidden="true">
                  └{' '}
                </span>
              ) : null}
              {unit.name}
            </span>
            <span className="small muted unit-members" data-testid="unit-members">
              {membersText(unit)}
            </span>
            {unit.memberCount ? (
              <Link
                to={`${paths.users()}?unit=${encodeURIComponent(unit.id)}`}
                aria-label={`Show members of ${unit.name}`}
              >
                Show members
              </Link>
            ) : null}
            <span className="row-actions">
              <button
                type="button"
                onClick={() => setMode('rename')}
                aria-label={`Rename ${unit.name}`}
              >
                Rename
              </button>
              <button
                type="button"
                onClick={() => setMode('move')}
                aria-label={`Move ${unit.name}`}
              >
                Move
              </button>
              <ConfirmButton
                label="Delete"
                ariaLabel={`Delete ${unit.name}`}
                question={
                  unit.memberCount
                    ? `Delete ${unit.name}? It still has members: it will be refused, and the message says what to do with them.`
                    : `Delete ${unit.name}?`
                }
                confirmLabel="Yes, delete"
                onConfirm={() => act(() => deleteUnit(unit.id))}
              />
            </span>
          </>
        )}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {pendingImpact ? (
        <ImpactConfirm
          impact={pendingImpact}
          action="Rename anyway"
          onConfirm={confirmRename}
          onCancel={() => setPendingImpact(null)}
        />
      ) : null}
    </li>
  );
}

/** "3 members (2 managed by a synchronisation)", "No members". */
function membersText(unit: Unit): string {
  const n = unit.memberCount ?? 0;
  if (!n) return 'No members';
  const managed = unit.managedMemberCount ?? 0;
  const base = `${n.toLocaleString('en-GB')} ${n === 1 ? 'member' : 'members'}`;
  return managed
    ? `${base} (${managed.toLocaleString('en-GB')} managed by a synchronisation)`
    : base;
}

/** Not done yet: the rename waits for the administrator to confirm its impact. */
const STAY = Symbol('stay');
