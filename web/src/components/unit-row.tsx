import { useState, type FormEvent, type ReactNode } from 'react';
import { messageOf } from '../api.ts';
import { ImpactConfirm } from './impact-confirm.tsx';
import { deleteUnit, unitImpact, updateUnit } from '../endpoints.ts';
import { hasEffect, isRisky, type ImpactView } from '../lib/impact.ts';
import { subtreeIds, type TreeRow } from '../lib/unit-tree.ts';
import { paths } from '../lib/routes.ts';
import { Link } from '../router.tsx';
import type { UnitWithCounts as Unit } from '../types.ts';
import { formatCount } from '../lib/format.ts';

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
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /**
   * What a rename, move or delete would do, shown before it is made (issue 17), with the
   * change to make when the administrator goes on.
   */
  const [pending, setPending] = useState<{
    impact: ImpactView;
    action: string;
    question?: string;
    note?: string;
    run: () => Promise<unknown>;
  } | null>(null);
  /** Leaves rename/move: a cancelled rename must not come back next time. */
  const cancel = (): void => {
    setMode('view');
    setName(unit.name);
    setParentId(unit.parentId ?? '');
    setPending(null);
    setError(null);
  };
  // A unit cannot move under itself or its own descendants.
  const excluded = subtreeIds(units, unit.id);

  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setMode('view');
      await onChanged();
    } catch (err) {
      if (!(err instanceof AwaitingConfirmation)) setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const submitRename = (event: FormEvent): void => {
    event.preventDefault();
    if (!name.trim()) {
      setError('Enter a name.');
      return;
    }
    const newName = name.trim();
    void act(async () => {
      const impact = await unitImpact({ action: 'rename', unitId: unit.id, name: newName });
      if (hasEffect(impact)) {
        setPending({
          impact,
          action: isRisky(impact) ? 'Rename anyway' : 'Yes, rename',
          run: () => updateUnit(unit.id, { name: newName }),
        });
        // Stay in rename mode: the question is answered below.
        throw new AwaitingConfirmation();
      }
      await updateUnit(unit.id, { name: newName });
    });
  };
  const confirm = (): void => {
    const run = pending?.run;
    setPending(null);
    if (run) void act(run);
  };
  /**
   * A move or a delete always says what it does first (issue 17), even when that is nothing:
   * the administrator sees it before the tree changes. Matching reads unit names, not their
   * place in the tree, so a move never changes anyone's membership, and says so.
   */
  const submitMove = (event: FormEvent): void => {
    event.preventDefault();
    const target = parentId || null;
    const parentName = units.find((u) => u.id === target)?.name;
    void act(async () => {
      const impact = await unitImpact({ action: 'move', unitId: unit.id, parentId: target });
      setPending({
        impact,
        action: 'Yes, move',
        question: `Move ${unit.name} ${parentName ? `under ${parentName}` : 'to the top level'}?`,
        note: 'Users are placed by unit name, not by where the unit sits in the tree.',
        run: () => updateUnit(unit.id, { parentId: target }),
      });
      throw new AwaitingConfirmation();
    });
  };
  const askDelete = (): void => {
    void act(async () => {
      // The API refuses to delete a unit with members or sub-units: its message (what to do
      // with them) shows at once instead of a question whose answer is no.
      const impact = await unitImpact({ action: 'delete', unitId: unit.id });
      setPending({
        impact,
        action: isRisky(impact) ? 'Delete anyway' : 'Yes, delete',
        question: `Delete ${unit.name}?`,
        run: () => deleteUnit(unit.id),
      });
      throw new AwaitingConfirmation();
    });
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
            {/* While its impact is asked below, the question has the buttons. */}
            {pending ? null : (
              <>
                <button type="submit" className="primary" disabled={busy}>
                  Save
                </button>
                <button type="button" onClick={cancel}>
                  Cancel
                </button>
              </>
            )}
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
            {/* While its impact is asked below, the question has the buttons. */}
            {pending ? null : (
              <>
                <button type="submit" className="primary" disabled={busy}>
                  Move
                </button>
                <button type="button" onClick={cancel}>
                  Cancel
                </button>
              </>
            )}
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
              <button
                type="button"
                className="danger"
                onClick={askDelete}
                disabled={busy}
                aria-label={`Delete ${unit.name}`}
              >
                Delete
              </button>
            </span>
          </>
        )}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {pending ? (
        <ImpactConfirm
          impact={pending.impact}
          action={pending.action}
          question={pending.question}
          note={pending.note}
          onConfirm={confirm}
          onCancel={() => setPending(null)}
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
  const base = `${formatCount(n)} ${n === 1 ? 'member' : 'members'}`;
  return managed ? `${base} (${formatCount(managed)} managed by a synchronisation)` : base;
}

/** Not an error: the change waits for the administrator to confirm its impact. */
class AwaitingConfirmation extends Error {}
