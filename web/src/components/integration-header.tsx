import type { ReactNode } from 'react';
import { Alert } from './alert.tsx';
import { nearRealTimeText } from '../lib/near-real-time.ts';
import { paths } from '../lib/routes.ts';
import { secretWarning, secretWarningText } from '../lib/secret-expiry.ts';
import { Link } from '../router.tsx';
import type { Integration } from '../types.ts';

export function IntegrationBreadcrumb({ name }: { name: string }): ReactNode {
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb">
      <Link to={paths.integrations()}>Integrations</Link> <span aria-hidden="true">›</span>{' '}
      <span className="truncate">{name}</span>
    </nav>
  );
}

/**
 * The integration's title with what needs attention: failing credentials, near-real-time
 * updates not active, a secret expiring.
 */
export function IntegrationHeader({ saved }: { saved: Integration | null }): ReactNode {
  const warning = saved ? secretWarning(saved, new Date()) : null;
  return (
    <>
      <IntegrationBreadcrumb name={saved ? saved.name : 'New integration'} />
      <div className="page-head">
        <h1 className="wrap">{saved ? saved.name : 'New Azure User Sync integration'}</h1>
      </div>
      {saved?.status === 'needs-attention' ? (
        <Alert kind="warning" testId="attention">
          <strong>Needs attention.</strong> {saved.attentionMessage ?? ''}
        </Alert>
      ) : null}
      {saved?.nearRealTimeStatus && saved.nearRealTimeStatus.state !== 'off' ? (
        <Alert
          kind={saved.nearRealTimeStatus.state === 'active' ? 'info' : 'warning'}
          testId="near-real-time"
        >
          {nearRealTimeText(saved.nearRealTimeStatus, new Date())}
        </Alert>
      ) : null}
      {warning ? (
        <Alert kind={warning.level === 'expired' ? 'error' : 'warning'} testId="secret-warning">
          {secretWarningText(warning)}. Create a new secret in Entra ID (Certificates &amp; secrets)
          and replace it here.
        </Alert>
      ) : null}
    </>
  );
}
