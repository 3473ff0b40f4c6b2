import { useState, type ReactNode } from 'react';
import { messageOf } from '../api.ts';
import { Alert, LoadState } from '../components/alert.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { ReactivateButton } from '../components/reactivate-button.tsx';
import { MembershipsEditor } from '../components/memberships-editor.tsx';
import { SyncExplanationPanel } from '../components/sync-explanation.tsx';
import { UserDetailsForm } from '../components/user-details-form.tsx';
import { UserStatus } from '../components/user-status.tsx';
import {
  deactivateUser,
  getUser,
  listIntegrations,
  listUnits,
  listUserTypes,
} from '../endpoints.ts';
import { deactivationText } from '../lib/deactivation.ts';
import { formatDate, fullName } from '../lib/format.ts';
import { paths } from '../lib/routes.ts';
import { useLoad } from '../lib/use-load.ts';
import { Link } from '../router.tsx';
import type { Integration, Unit, UserDetail, UserType } from '../types.ts';

interface Lookups {
  units: Unit[];
  userTypes: UserType[];
  integrations: Integration[];
}

async function loadLookups(): Promise<Lookups> {
  const [units, userTypes, integrations] = await Promise.all([
    listUnits(),
    listUserTypes(),
    listIntegrations(),
  ]);
  return { units, userTypes, integrations };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One user: details, memberships, activation, and where it comes from. */
export function UserPage({ id }: { id: string }): ReactNode {
  // A malformed id is a wrong link, not an invalid request (issue 17: "check id" confused).
  const user = useLoad(
    () =>
      UUID.test(id)
        ? getUser(id)
        : Promise.reject(new Error('User not found: no user has this address. Check the link.')),
    id,
  );
  const lookups = useLoad(loadLookups, 'lookups');
  const [actionError, setActionError] = useState<string | null>(null);
  /** What was just done, said where it was done (issue 17: no silent success). */
  const [membershipsNotice, setMembershipsNotice] = useState<string | null>(null);
  const [statusNotice, setStatusNotice] = useState<string | null>(null);

  if (!user.data || !lookups.data) {
    return (
      <section>
        <Breadcrumb name="User" />
        <LoadState loading={user.loading || lookups.loading} error={user.error ?? lookups.error} />
      </section>
    );
  }
  const data: UserDetail = user.data;
  const { units, userTypes, integrations } = lookups.data;
  const integrationName = (integrationId: string): string =>
    integrations.find((i) => i.id === integrationId)?.name ?? 'an integration';
  const source = data.source;

  const act = async (action: () => Promise<void>): Promise<void> => {
    setActionError(null);
    try {
      await action();
      await user.reload();
    } catch (err) {
      setActionError(messageOf(err));
    }
  };

  return (
    <section>
      <Breadcrumb name={fullName(data)} />
      <div className="page-head">
        <h1 className="wrap">{fullName(data)}</h1>
        <UserStatus user={data} />
      </div>
      {actionError ? <Alert>{actionError}</Alert> : null}

      {source ? (
        <p className="source" data-testid="user-source">
          Synchronised from{' '}
          <Link to={paths.integration(source.integrationId)}>
            {integrationName(source.integrationId)}
          </Link>
          , Entra object id <code className="mono">{source.externalId}</code>
        </p>
      ) : (
        <p className="small muted">Created in the platform; not linked to an Entra user.</p>
      )}

      {data.sync ? <SyncExplanationPanel sync={data.sync} /> : null}

      <UserDetailsForm
        key={`${data.firstName}|${data.lastName}|${data.email}`}
        user={data}
        managedBy={source ? integrationName(source.integrationId) : null}
        onSaved={() => void user.reload()}
      />

      {/* Outside the editor, which is rebuilt when the memberships change. */}
      <p role="status" className="saved-note" data-testid="memberships-notice">
        {membershipsNotice ?? ''}
      </p>
      <MembershipsEditor
        key={JSON.stringify(data.memberships)}
        user={data}
        units={units}
        userTypes={userTypes}
        integrationName={integrationName}
        onChanged={user.reload}
        onDone={setMembershipsNotice}
      />

      <section aria-labelledby="status-title" className="danger-zone">
        <h2 id="status-title">Status</h2>
        <p role="status" className="saved-note" data-testid="status-notice">
          {statusNotice ?? ''}
        </p>
        {data.status === 'deactivated' ? (
          <>
            <p data-testid="deactivation-reason">
              <strong>{deactivationText(data.deactivationReason)}</strong>, on{' '}
              {formatDate(data.deactivatedAt)}; permanently deleted on{' '}
              <strong>{formatDate(data.purgeAfter)}</strong> unless reactivated.
            </p>
            <ReactivateButton
              user={data}
              onDone={async () => {
                setStatusNotice(`✓ ${fullName(data)} reactivated.`);
                await user.reload();
              }}
            />
          </>
        ) : (
          <>
            <p className="small muted">
              A deactivated user can no longer sign in and is deleted for good after the retention
              period.
              {source
                ? ' A synchronisation does not reactivate a user an administrator deactivated.'
                : ''}
            </p>
            <ConfirmButton
              label="Deactivate"
              question={`Deactivate ${fullName(data)}?`}
              confirmLabel="Yes, deactivate"
              onConfirm={() => {
                setStatusNotice(null);
                return act(() => deactivateUser(data.id));
              }}
            />
          </>
        )}
      </section>
    </section>
  );
}

function Breadcrumb({ name }: { name: string }): ReactNode {
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb">
      <Link to={paths.users()}>Users</Link> <span aria-hidden="true">›</span>{' '}
      <span className="truncate">{name}</span>
    </nav>
  );
}
