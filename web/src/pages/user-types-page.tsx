import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert, LoadState } from '../components/alert.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { ImpactConfirm } from '../components/impact-confirm.tsx';
import {
  createUserType,
  deleteUserType,
  listUserTypes,
  renameUserType,
  userTypeImpact,
} from '../endpoints.ts';
import { isRisky, type ImpactView } from '../lib/impact.ts';
import { useLoad } from '../lib/use-load.ts';
import type { UserType } from '../types.ts';
import { useAction } from '../lib/use-action.ts';

/** User types (roles): list, create, rename, delete. */
export function UserTypesPage(): ReactNode {
  const types = useLoad(listUserTypes, 'user-types');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction();
  const busy = action.busy !== null;
  const error = problem ?? action.error;
  const sorted = [...(types.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!name.trim()) {
      setProblem('Enter a name.');
      return;
    }
    setProblem(null);
    await action.run('create', async () => {
      await createUserType(name.trim());
      setName('');
      await types.reload();
    });
  };

  return (
    <section>
      <h1>User types</h1>
      <form
        className="card form compact inline-create"
        onSubmit={(event) => void create(event)}
        noValidate
        aria-label="New user type"
      >
        {error ? <Alert>{error}</Alert> : null}
        <div className="field">
          <label htmlFor="new-user-type-name">New user type</label>
          <div className="input-row">
            <input
              id="new-user-type-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={200}
              placeholder="e.g. Manager"
            />
            <button type="submit" className="primary" disabled={busy}>
              Create user type
            </button>
          </div>
        </div>
      </form>
      <LoadState loading={types.loading && !types.data} error={types.error} />
      {types.data && sorted.length === 0 ? <p className="muted">No user types yet.</p> : null}
      {sorted.length > 0 ? (
        <ul className="tree card" aria-label="User types" data-testid="user-types-list">
          {sorted.map((type) => (
            <UserTypeRow key={type.id} type={type} onChanged={types.reload} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function UserTypeRow({
  type,
  onChanged,
}: {
  type: UserType;
  onChanged: () => Promise<void>;
}): ReactNode {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(type.name);
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction();
  const error = problem ?? action.error;
  /** A rename or delete that takes memberships away waits for a second yes (issue 17). */
  const [pending, setPending] = useState<{
    impact: ImpactView;
    action: string;
    run: () => Promise<unknown>;
  } | null>(null);

  /** Runs `action` at once when harmless, or shows its impact first. */
  const guarded = async (
    body: Parameters<typeof userTypeImpact>[0],
    label: string,
    work: () => Promise<unknown>,
  ): Promise<void> => {
    setProblem(null);
    await action.run(label, async () => {
      const impact = await userTypeImpact(body);
      if (isRisky(impact)) {
        setPending({ impact, action: label, run: work });
        return;
      }
      await finish(work);
    });
  };

  const finish = async (work: () => Promise<unknown>): Promise<void> => {
    await work();
    setRenaming(false);
    await onChanged();
  };
  const act = (work: () => Promise<unknown>): Promise<boolean> => {
    setProblem(null);
    return action.run('change', () => finish(work));
  };
  const rename = (event: FormEvent): void => {
    event.preventDefault();
    if (!name.trim()) {
      setProblem('Enter a name.');
      return;
    }
    void guarded(
      { action: 'rename', userTypeId: type.id, name: name.trim() },
      'Rename anyway',
      () => renameUserType(type.id, name.trim()),
    );
  };

  return (
    <li className="tree-row" data-testid="user-type-row">
      <div className="tree-line">
        {renaming ? (
          <form className="inline-form" onSubmit={rename}>
            <label htmlFor={`rename-type-${type.id}`} className="visually-hidden">
              New name for {type.name}
            </label>
            <input
              id={`rename-type-${type.id}`}
              value={name}
              onChange={(e) => setName(e.target.value)}
              autoFocus
              maxLength={200}
            />
            <button type="submit" className="primary">
              Save
            </button>
            <button
              type="button"
              onClick={() => {
                setRenaming(false);
                setName(type.name);
              }}
            >
              Cancel
            </button>
          </form>
        ) : (
          <>
            <span className="tree-name" title={type.name}>
              {type.name}
            </span>
            <span className="row-actions">
              <button
                type="button"
                onClick={() => setRenaming(true)}
                aria-label={`Rename ${type.name}`}
              >
                Rename
              </button>
              <ConfirmButton
                label="Delete"
                ariaLabel={`Delete ${type.name}`}
                question={`Delete ${type.name}?`}
                confirmLabel="Yes, delete"
                onConfirm={() =>
                  guarded({ action: 'delete', userTypeId: type.id }, 'Delete anyway', () =>
                    deleteUserType(type.id),
                  )
                }
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
      {pending ? (
        <ImpactConfirm
          impact={pending.impact}
          action={pending.action}
          onConfirm={() => {
            const run = pending.run;
            setPending(null);
            void act(run);
          }}
          onCancel={() => setPending(null)}
        />
      ) : null}
    </li>
  );
}
