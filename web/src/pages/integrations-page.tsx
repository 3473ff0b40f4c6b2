import type { ReactNode } from 'react';
import { LoadState } from '../components/alert.tsx';
import { Badge, RunStatusBadge } from '../components/badge.tsx';
import { listIntegrations } from '../endpoints.ts';
import { formatDateTime } from '../lib/format.ts';
import { paths } from '../lib/routes.ts';
import { secretWarning, secretWarningText } from '../lib/secret-expiry.ts';
import { useLoad } from '../lib/use-load.ts';
import { Link } from '../router.tsx';
import type { Integration } from '../types.ts';

/** The organisation's integrations with their health at a glance. */
export function IntegrationsPage(): ReactNode {
  const integrations = useLoad(listIntegrations, 'integrations');
  const now = new Date();
  return (
    <section>
      <div className="page-head">
        <h1>Integrations</h1>
        <Link to={paths.newIntegration()} className="button primary" data-testid="new-integration">
          New integration
        </Link>
      </div>
      <LoadState loading={integrations.loading && !integrations.data} error={integrations.error} />
      {integrations.data && integrations.data.length === 0 ? (
        <div className="card empty">
          <p>No integrations yet.</p>
          <p className="muted">
            Add one to keep your users in step with Microsoft Entra ID: you need an app registration
            with the <code>User.Read.All</code> application permission.
          </p>
        </div>
      ) : null}
      {integrations.data && integrations.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table stack-on-phone" data-testid="integrations-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Enabled</th>
                <th scope="col">Last run</th>
                <th scope="col">Next run</th>
                <th scope="col">Attention</th>
              </tr>
            </thead>
            <tbody>
              {integrations.data.map((integration) => (
                <IntegrationRow key={integration.id} integration={integration} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function IntegrationRow({ integration, now }: { integration: Integration; now: Date }): ReactNode {
  const warning = secretWarning(integration, now);
  const lastRun = integration.lastRun;
  return (
    <tr>
      <td data-label="Name" className="cell-name">
        <Link to={paths.integration(integration.id)} className="truncate" title={integration.name}>
          {integration.name}
        </Link>
      </td>
      <td data-label="Enabled">
        {integration.enabled ? (
          <Badge tone="ok">Enabled</Badge>
        ) : (
          <Badge tone="neutral">Disabled</Badge>
        )}
      </td>
      <td data-label="Last run">
        {lastRun ? (
          <span className="last-run">
            <RunStatusBadge status={lastRun.status} dryRun={lastRun.dryRun} />
            <Link to={paths.run(lastRun.id)}>
              {lastRun.finishedAt ? formatDateTime(lastRun.finishedAt) : 'in progress'}
            </Link>
          </span>
        ) : (
          <span className="muted">Never</span>
        )}
      </td>
      <td data-label="Next run">
        {!integration.enabled ? (
          <span className="muted">—</span>
        ) : integration.nextRunAt ? (
          formatDateTime(integration.nextRunAt)
        ) : (
          // No time yet: the scheduler picks an enabled integration up within a minute.
          <span title="The scheduler starts it within a minute">Due now</span>
        )}
      </td>
      <td data-label="Attention">
        <div className="badges">
          {integration.status === 'needs-attention' ? (
            <Badge tone="bad" title={integration.attentionMessage ?? undefined}>
              Needs attention
            </Badge>
          ) : null}
          {warning ? (
            <Badge tone={warning.level === 'expired' ? 'bad' : 'warn'}>
              {secretWarningText(warning)}
            </Badge>
          ) : null}
          {!integration.secretSet ? <Badge tone="bad">No secret</Badge> : null}
          {lastRun && lastRun.status === 'held' && !lastRun.dryRun ? (
            // A held run waits for an administrator: say so where they look first.
            <Link to={paths.run(lastRun.id)} data-testid="held-attention">
              <Badge tone="warn">Held: approval needed</Badge>
            </Link>
          ) : null}
        </div>
        {integration.status === 'needs-attention' && integration.attentionMessage ? (
          <p className="small wrap">{integration.attentionMessage}</p>
        ) : null}
      </td>
    </tr>
  );
}
