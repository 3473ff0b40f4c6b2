import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert } from './alert.tsx';
import { ConfirmButton } from './confirm-button.tsx';
import { UserTypeCheckboxes } from './user-type-checkboxes.tsx';
import { useAction } from '../lib/use-action.ts';
import { deleteMembership, putMembership } from '../endpoints.ts';
import { flattenTree, unitPath } from '../lib/unit-tree.ts';
import type { Membership, Unit, User, UserType } from '../types.ts';

interface Props {
  user: User;
  units: Unit[];
  userTypes: UserType[];
  integrationName: (integrationId: string) => string;
  onChanged: () => Promise<void>;
  /** Told what was just done, in words ("✓ Added to Sales as Employee."), after it is saved. */
  onDone?: (message: string) => void;
}

/**
 * A user's unit memberships. The one an integration manages is read-only (the sync
 * owns it); memberships added here are edited and removed freely (SPEC §4.5).
 */
export function MembershipsEditor({
  user,
  units,
  userTypes,
  integrationName,
  onChanged,
  onDone = () => undefined,
}: Props): ReactNode {
  const typeName = (id: string): string => userTypes.find((t) => t.id === id)?.name ?? id;
  const used = new Set(user.memberships.map((m) => m.unitId));
  return (
    <section aria-labelledby="memberships-title">
      <h2 id="memberships-title">Memberships</h2>
      {user.memberships.length === 0 ? (
        <p className="muted">
          No memberships: this user sees nothing until given a unit and a user type.
        </p>
      ) : (
        <ul className="memberships">
          {user.memberships.map((membership) =>
            membership.managedBy ? (
              <li
                key={membership.unitId}
                className="card membership managed"
                data-testid="membership"
              >
                <div className="membership-head">
                  <strong className="wrap">{unitPath(units, membership.unitId)}</strong>
                  <span className="badge badge-info" title={integrationName(membership.managedBy)}>
                    managed by integration
                  </span>
                </div>
                <p>
                  {membership.userTypeIds.map(typeName).join(', ') || (
                    <span className="muted">No user types</span>
                  )}
                </p>
                <p className="small muted">
                  Kept in step with Entra ID by {integrationName(membership.managedBy)}: it moves
                  when the user’s unit or user type field changes there.
                </p>
              </li>
            ) : (
              <ManualMembership
                key={membership.unitId}
                user={user}
                membership={membership}
                units={units}
                userTypes={userTypes}
                onChanged={onChanged}
                onDone={onDone}
              />
            ),
          )}
        </ul>
      )}
      <AddMembership
        user={user}
        units={units.filter((u) => !used.has(u.id))}
        allUnits={units}
        userTypes={userTypes}
        onChanged={onChanged}
        onDone={onDone}
      />
    </section>
  );
}

function ManualMembership({
  user,
  membership,
  units,
  userTypes,
  onChanged,
  onDone,
}: {
  user: User;
  membership: Membership;
  units: Unit[];
  userTypes: UserType[];
  onChanged: () => Promise<void>;
  onDone: (message: string) => void;
}): ReactNode {
  const [selected, setSelected] = useState<string[]>(membership.userTypeIds);
  const action = useAction();
  const busy = action.busy !== null;
  const error = action.error;
  const dirty = [...selected].sort().join() !== [...membership.userTypeIds].sort().join();
  const name = unitPath(units, membership.unitId);

  const act = async (work: () => Promise<void>, done: string): Promise<void> => {
    await action.run('membership', async () => {
      await work();
      onDone(done);
      await onChanged();
    });
  };

  return (
    <li className="card membership" data-testid="membership">
      <div className="membership-head">
        <strong className="wrap">{name}</strong>
        <span className="badge badge-neutral">manual</span>
      </div>
      {error ? <Alert>{error}</Alert> : null}
      <UserTypeCheckboxes
        idPrefix={`membership-${membership.unitId}`}
        legend={`User types in ${name}`}
        userTypes={userTypes}
        selected={selected}
        onChange={setSelected}
        disabled={busy}
      />
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={busy || !dirty}
          onClick={() =>
            void act(
              () => putMembership(user.id, membership.unitId, selected),
              `✓ User types in ${name} saved.`,
            )
          }
        >
          Save user types
        </button>
        <ConfirmButton
          label="Remove membership"
          question={`Remove ${user.firstName} from ${name}?`}
          confirmLabel="Yes, remove"
          onConfirm={() =>
            act(() => deleteMembership(user.id, membership.unitId), `✓ Removed from ${name}.`)
          }
          disabled={busy}
        />
      </div>
    </li>
  );
}

function AddMembership({
  user,
  units,
  allUnits,
  userTypes,
  onChanged,
  onDone,
}: {
  user: User;
  units: Unit[];
  allUnits: Unit[];
  userTypes: UserType[];
  onChanged: () => Promise<void>;
  onDone: (message: string) => void;
}): ReactNode {
  const [unitId, setUnitId] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction();
  const busy = action.busy !== null;
  const error = problem ?? action.error;
  const available = new Set(units.map((u) => u.id));
  const options = flattenTree(allUnits).filter((row) => available.has(row.unit.id));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!unitId) {
      setProblem('Choose a unit.');
      return;
    }
    setProblem(null);
    await action.run('add', async () => {
      await putMembership(user.id, unitId, selected);
      const types = userTypes
        .filter((t) => selected.includes(t.id))
        .map((t) => t.name)
        .join(', ');
      onDone(
        `✓ Added to ${unitPath(allUnits, unitId)}${types ? ` as ${types}` : ' (no user type yet)'}.`,
      );
      setUnitId('');
      setSelected([]);
      await onChanged();
    });
  };

  return (
    <form
      className="card form compact"
      onSubmit={(event) => void submit(event)}
      aria-label="Add membership"
    >
      <h3>Add membership</h3>
      {error ? <Alert>{error}</Alert> : null}
      <div className="field">
        <label htmlFor="add-membership-unit">Unit</label>
        <select
          id="add-membership-unit"
          value={unitId}
          onChange={(event) => setUnitId(event.target.value)}
        >
          <option value="">Choose a unit…</option>
          {options.map(({ unit, depth }) => (
            <option key={unit.id} value={unit.id}>
              {'\u00a0\u00a0'.repeat(depth)}
              {unit.name}
            </option>
          ))}
        </select>
      </div>
      <UserTypeCheckboxes
        idPrefix="add-membership-type"
        legend="User types"
        userTypes={userTypes}
        selected={selected}
        onChange={setSelected}
        disabled={busy}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Add membership
        </button>
      </div>
    </form>
  );
}
