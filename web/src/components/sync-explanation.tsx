import type { ReactNode } from 'react';
import type { SyncExplanation } from '../types.ts';
import { formatDateTime } from '../lib/format.ts';

const OUTCOME: Record<SyncExplanation['unit']['outcome'], string> = {
  matched: 'matched',
  'no-unit': 'no match',
  ambiguous: 'ambiguous',
  'several-units': 'several units',
  empty: 'empty',
};

/** An Entra value as shown: empty values say so. */
function text(v: string | boolean | null | undefined): string {
  return v === null || v === undefined || v === '' ? '(empty)' : String(v);
}

/** SPEC §5.15: the Entra values the sync used for this user, and what matched and why not. */
export function SyncExplanationPanel({ sync }: { sync: SyncExplanation }): ReactNode {
  const { unit, userTypes } = sync;
  return (
    <section aria-labelledby="sync-title" data-testid="sync-explanation">
      <h2 id="sync-title">Why this placement</h2>
      {sync.excluded ? <p>Not synchronised: {sync.excluded}.</p> : null}
      <dl className="explanation">
        <dt>Entra names</dt>
        <dd data-testid="entra-names">
          {text(sync.entra.givenName)} {text(sync.entra.surname)}
        </dd>
        <dt>Entra mail / UPN</dt>
        <dd className="wrap">
          {text(sync.entra.mail)} / {text(sync.entra.userPrincipalName)}
        </dd>
        <dt>Account</dt>
        <dd>
          {sync.entra.accountEnabled === false ? 'disabled in Entra' : 'enabled'}
          {sync.entra.userType ? `, ${String(sync.entra.userType)}` : ''}
        </dd>
        <dt>
          Unit field <code>{unit.field}</code>
        </dt>
        <dd>
          {unit.value === null || unit.value.trim() === '' ? <em>empty</em> : <q>{unit.value}</q>} —{' '}
          {OUTCOME[unit.outcome]}
          {unit.reason ? `: ${unit.reason}` : ''}
          {unit.outcome === 'empty' ? ' (fix it in Entra ID)' : ''}
        </dd>
        <dt>
          User type field <code>{userTypes.field}</code>
        </dt>
        <dd>
          {userTypes.value === null || userTypes.value.trim() === '' ? (
            <em>empty</em>
          ) : (
            <q>{userTypes.value}</q>
          )}
          {userTypes.matched.length ? ` — matched: ${userTypes.matched.join(', ')}` : ''}
          {userTypes.unmatched.length
            ? ` — no user type named: ${userTypes.unmatched.join(', ')}`
            : ''}
        </dd>
        <dt>Entra last changed</dt>
        <dd>{sync.entraChangedAt ? formatDateTime(sync.entraChangedAt) : 'unknown'}</dd>
      </dl>
    </section>
  );
}
