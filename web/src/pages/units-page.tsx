import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert, LoadState } from '../components/alert.tsx';
import { UnitRow } from '../components/unit-row.tsx';
import { ImpactConfirm } from '../components/impact-confirm.tsx';
import { createUnit, listUnits, unitImpact } from '../endpoints.ts';
import { hasEffect, isRisky, type ImpactView } from '../lib/impact.ts';
import { flattenTree } from '../lib/unit-tree.ts';
import { useLoad } from '../lib/use-load.ts';
import { useAction } from '../lib/use-action.ts';

/** The unit tree: create (with a parent), rename, move, delete. */
export function UnitsPage(): ReactNode {
  const units = useLoad(listUnits, 'units');
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction();
  const busy = action.busy !== null;
  const error = problem ?? action.error;
  const [pendingImpact, setPendingImpact] = useState<ImpactView | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const rows = flattenTree(units.data ?? []);

  /** `confirmed`: the administrator saw what the new unit would do and went on (issue 17). */
  const create = async (event: FormEvent | null, confirmed = false): Promise<void> => {
    event?.preventDefault();
    setPendingImpact(null);
    setCreated(null);
    if (!name.trim()) {
      setProblem('Enter a name.');
      return;
    }
    setProblem(null);
    await action.run('create', async () => {
      if (!confirmed) {
        const impact = await unitImpact({
          action: 'create',
          name: name.trim(),
          parentId: parentId || null,
        });
        if (hasEffect(impact)) {
          setPendingImpact(impact);
          return;
        }
      }
      await createUnit(name.trim(), parentId || null);
      setCreated(name.trim());
      setName('');
      await units.reload();
    });
  };

  return (
    <section>
      <h1>Units</h1>
      <form
        className="card form compact"
        onSubmit={(event) => void create(event)}
        noValidate
        aria-label="New unit"
      >
        <h2>New unit</h2>
        {error ? <Alert>{error}</Alert> : null}
        {created ? (
          <p role="status" className="saved-note">
            ✓ Unit “{created}” created.
          </p>
        ) : null}
        {pendingImpact ? (
          <ImpactConfirm
            impact={pendingImpact}
            action={isRisky(pendingImpact) ? 'Create anyway' : 'Create'}
            onConfirm={() => void create(null, true)}
            onCancel={() => setPendingImpact(null)}
          />
        ) : null}
        <div className="grid-3">
          <div className="field">
            <label htmlFor="new-unit-name">Name</label>
            <input
              id="new-unit-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={200}
            />
          </div>
          <div className="field">
            <label htmlFor="new-unit-parent">Parent unit</label>
            <select
              id="new-unit-parent"
              value={parentId}
              onChange={(e) => setParentId(e.target.value)}
            >
              <option value="">(top level)</option>
              {rows.map(({ unit, depth }) => (
                <option key={unit.id} value={unit.id}>
                  {'\u00a0\u00a0'.repeat(depth)}
                  {unit.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-button">
            <button type="submit" className="primary" disabled={busy}>
              Create unit
            </button>
          </div>
        </div>
      </form>

      <LoadState loading={units.loading && !units.data} error={units.error} />
      {units.data && rows.length === 0 ? <p className="muted">No units yet.</p> : null}
      {rows.length > 0 ? (
        <ul className="tree card" aria-label="Unit tree" data-testid="unit-tree">
          {rows.map((row) => (
            <UnitRow
              key={row.unit.id}
              row={row}
              units={units.data ?? []}
              rows={rows}
              onChanged={units.reload}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
