import { useState, type FormEvent, type ReactNode } from 'react';
import { messageOf } from '../api.ts';
import { Alert, LoadState } from '../components/alert.tsx';
import { ImpactConfirm } from '../components/impact-confirm.tsx';
import {
  createUserType,
  deleteUserType,
  listUserTypes,
  renameUserType,
  userTypeImpact,
} from '../endpoints.ts';
import { hasEffect, isRisky, type ImpactView } from '../lib/impact.ts';
import { useLoad } from '../lib/use-load.ts';
import type { UserType } from '../types.ts';

/** User types (roles): list, create, rename, delete. */
export function UserTypesPage(): ReactNode {
  const types = useLoad(listUserTypes, 'user-types');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  /** What the new user type would do (users whose value names it get a membership). */
  const [pendingImpact, setPendingImpact] = useState<ImpactView | null>(null);
  const sorted = [...(types.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  /** `confirmed`: the administrator saw what the new user type would do and went on. */
  const create = async (event: FormEvent | null, confirmed = false): Promise<void> => {
    event?.preventDefault();
    setPendingImpact(null);
    setCreated(null);
    if (!name.trim()) {
      setError('Enter a name.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (!confirmed) {
        const impact = await userTypeImpact({ action: 'create', name: name.trim() });
        if (hasEffect(impact)) {
          setPendingImpact(impact);
          return;
        }
      }
      await createUserType(name.trim());
      setCreated(name.trim());
      setName('');
      await types.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
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
        {created ? (
          <p role="status" className="saved-note" data-testid="user-type-created">
            ✓ User type “{created}” created.
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
        <div className="field">
          <label htmlFor="new-user-type-name">New user type</label>
          <div className="input-row">
            <input
              id="new-user-type-name"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setCreated(null);
              }}
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
  const [error, setError] = useState<string | null>(null);
  /** A rename or delete that changes anyone's membership waits for a second yes (issue 17). */
  const [pending, setPending] = useState<{
    impact: ImpactView;
    action: string;
    question?: string;
    run: () => Promise<unknown>;
  } | null>(null);

  /**
   * Runs `action` at once when it changes no one (unless `always`: a delete always asks, with
   * what it does), or shows its impact first.
   */
  const guarded = async (
    body: Parameters<typeof userTypeImpact>[0],
    label: string,
    action: () => Promise<unknown>,
    always?: { question: string },
  ): Promise<void> => {
    setError(null);
    try {
      const impact = await userTypeImpact(body);
      if (always || hasEffect(impact)) {
        setPending({
          impact,
          action: isRisky(impact) ? `${label} anyway` : `Yes, ${label.toLowerCase()}`,
          ...(always ? { question: always.question } : {}),
          run: action,
        });
        return;
      }
    } catch (err) {
      setError(messageOf(err));
      return;
    }
    await act(action);
  };

  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await action();
      setRenaming(false);
      await onChanged();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const rename = (event: FormEvent): void => {
    event.preventDefault();
    if (!name.trim()) {
      setError('Enter a name.');
      return;
    }
    const newName = name.trim();
    void guarded({ action: 'rename', userTypeId: type.id, name: newName }, 'Rename', () =>
      renameUserType(type.id, newName),
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
              <button
                type="button"
                className="danger"
                aria-label={`Delete ${type.name}`}
                onClick={() =>
                  void guarded(
                    { action: 'delete', userTypeId: type.id },
                    'Delete',
                    () => deleteUserType(type.id),
                    { question: `Delete ${type.name}?` },
                  )
                }
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
