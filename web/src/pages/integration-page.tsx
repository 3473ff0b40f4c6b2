import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert, LoadState } from '../components/alert.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { EnableOffer } from '../components/enable-offer.tsx';
import { FieldPreviewPanel } from '../components/field-preview-panel.tsx';
import { ImpactConfirm } from '../components/impact-confirm.tsx';
import { IntegrationBreadcrumb, IntegrationHeader } from '../components/integration-header.tsx';
import { IntegrationFormFields } from '../components/integration-form-fields.tsx';
import { RunHistory } from '../components/run-history.tsx';
import { TestResultView } from '../components/test-result.tsx';
import {
  createIntegration,
  deleteIntegration,
  getIntegration,
  integrationImpact,
  listRuns,
  startSync,
  testIntegration,
  updateIntegration,
} from '../endpoints.ts';
import { hasEffect, isRisky, mappingPatch, type ImpactView } from '../lib/impact.ts';
import { inputFromForm } from '../lib/integration-form.ts';
import { paths } from '../lib/routes.ts';
import { useAction } from '../lib/use-action.ts';
import { useIntegrationForm } from '../lib/use-integration-form.ts';
import { useLoad } from '../lib/use-load.ts';
import { navigate } from '../router.tsx';
import type { Integration, Run, StartRunBody, TestResult } from '../types.ts';

/** Loads an integration (or starts a new one) and shows its form, actions and runs. */
export function IntegrationPage({ id }: { id: string | null }): ReactNode {
  const loaded = useLoad(() => (id ? getIntegration(id) : Promise.resolve(null)), id ?? 'new');
  if (loaded.data === undefined) {
    return (
      <section>
        <IntegrationBreadcrumb name={id ? 'Integration' : 'New integration'} />
        <LoadState loading={loaded.loading} error={loaded.error} />
      </section>
    );
  }
  return <IntegrationEditor integration={loaded.data} />;
}

const CREATED_NOTICE =
  'Integration created, disabled. Test the connection: once it works, preview what the first synchronisation will do, then enable it or initiate the synchronisation.';

/**
 * The form and what can be done with it: Save (with the impact of a mapping change first),
 * Test connection, Preview, Initiate synchronisation, Enable and Delete. The form's state is
 * `useIntegrationForm`; each button's busy and failure state is `useAction`.
 */
function IntegrationEditor({
  integration: initial,
}: {
  integration: Integration | null;
}): ReactNode {
  const model = useIntegrationForm(initial);
  const { saved, form } = model;
  const action = useAction();
  const busy = action.busy !== null;
  const [success, setSuccess] = useState<string | null>(
    new URLSearchParams(window.location.search).has('created') ? CREATED_NOTICE : null,
  );
  const [testResult, setTestResult] = useState<TestResult | null>(null);
  /** The latest finished preview, shown beside Enable once the test passed. */
  const [lastPreview, setLastPreview] = useState<Run | null>(null);
  const [runsKey, setRunsKey] = useState(0);
  /** What a mapping change would do, shown before saving it (issue 17). */
  const [pendingImpact, setPendingImpact] = useState<ImpactView | null>(null);
  const canEnable = (saved?.enabled ?? false) || testResult?.ok === true;

  /** `confirmed`: the administrator saw the impact of a mapping change and went on. */
  const save = async (event: FormEvent | null, confirmed = false): Promise<void> => {
    event?.preventDefault();
    setPendingImpact(null);
    setSuccess(null);
    action.clearError();
    model.submit();
    if (Object.keys(model.clientErrors).length > 0) {
      focusFirstError();
      return;
    }
    await action.run(
      'save',
      async () => {
        const patch = saved ? mappingPatch(form, saved) : {};
        if (saved && !confirmed && Object.keys(patch).length > 0) {
          // Computed by the reconcile on the proposed settings, nothing written.
          const impact = await integrationImpact(saved.id, patch);
          if (hasEffect(impact)) {
            setPendingImpact(impact);
            return;
          }
        }
        const input = inputFromForm(form);
        if (!saved) {
          // validateForm asked for the secret; an empty one gets the server's 400 on `secret`.
          const created = await createIntegration({ ...input, secret: input.secret ?? '' });
          navigate(`${paths.integration(created.id)}?created=1`, { replace: true });
          return;
        }
        // Said beside the Save button: a notice at the top of the page is out of sight.
        model.accept(await updateIntegration(saved.id, input), { savedNote: true });
      },
      (err) => {
        if (model.reject(err)) focusFirstError();
      },
    );
  };

  const runTest = (integrationId: string) =>
    action.run('test', async () => {
      setSuccess(null);
      setTestResult(null);
      const result = await testIntegration(integrationId);
      // The Enable offer shows the last preview's counts: read them before showing the result,
      // so the offer never appears without them.
      if (result.ok) {
        const runs = await listRuns(integrationId, 20);
        setLastPreview(
          runs.find((r) => r.dryRun && (r.status === 'succeeded' || r.status === 'held')) ?? null,
        );
      }
      setTestResult(result);
    });

  const sync = async (integrationId: string, options: StartRunBody): Promise<void> => {
    setSuccess(null);
    const ok = await action.run(options.dryRun ? 'preview' : 'sync', async () => {
      const started = await startSync(integrationId, options);
      navigate(paths.run(started.runId) + (started.alreadyRunning ? '?already=1' : ''));
    });
    if (!ok) setRunsKey((key) => key + 1);
  };

  const enable = (integration: Integration) =>
    action.run('enable', async () => {
      setSuccess(null);
      model.accept(await updateIntegration(integration.id, { enabled: true }));
      setSuccess(
        'Enabled: the integration now synchronises on its schedule. Initiate synchronisation to run the first full synchronisation now.',
      );
    });

  const remove = (integrationId: string) =>
    action.run('delete', async () => {
      await deleteIntegration(integrationId);
      navigate(paths.integrations(), { replace: true });
    });

  return (
    <section>
      <IntegrationHeader saved={saved} />
      {action.error || success ? (
        <Alert kind={action.error ? 'error' : 'success'} testId="form-notice">
          {action.error ?? success}
        </Alert>
      ) : null}
      {model.otherIssues.length > 0 ? (
        <Alert>
          <ul>
            {model.otherIssues.map((issue) => (
              <li key={`${issue.field}:${issue.message}`}>
                {issue.field}: {issue.message}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}

      <form
        className="card form"
        onSubmit={(event) => void save(event)}
        noValidate
        aria-label="Azure User Sync settings"
      >
        <IntegrationFormFields
          form={form}
          errors={model.errors}
          secretSet={saved?.secretSet ?? false}
          integrationId={saved?.id}
          replacingSecret={model.replacingSecret}
          onReplaceSecret={model.setReplacingSecret}
          onChange={model.change}
          canEnable={canEnable}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {action.busy === 'save' ? 'Saving…' : 'Save'}
          </button>
          {saved ? (
            <>
              <button type="button" onClick={() => void runTest(saved.id)} disabled={busy}>
                {action.busy === 'test' ? 'Testing…' : 'Test connection'}
              </button>
              <button
                type="button"
                onClick={() => void sync(saved.id, { dryRun: true })}
                disabled={busy}
              >
                {action.busy === 'preview' ? 'Starting preview…' : 'Preview'}
              </button>
              <button
                type="button"
                className="primary"
                onClick={() => void sync(saved.id, { full: true })}
                disabled={busy}
              >
                {action.busy === 'sync' ? 'Starting…' : 'Initiate synchronisation'}
              </button>
            </>
          ) : null}
          <span role="status" className="saved-note" data-testid="saved-note">
            {model.savedNote ? '✓ Saved.' : ''}
          </span>
        </div>
        {pendingImpact && saved ? (
          <ImpactConfirm
            impact={pendingImpact}
            action={isRisky(pendingImpact) ? 'Save anyway' : 'Save this change'}
            integrationId={saved.id}
            onConfirm={() => void save(null, true)}
            onCancel={() => setPendingImpact(null)}
          />
        ) : null}
        {saved && model.dirty ? (
          <p className="small muted" role="status">
            You have unsaved changes: Test connection, Preview and synchronisation use the saved
            settings.
          </p>
        ) : null}
        {!saved ? (
          <p className="small muted">
            Save first; then you can test the connection and synchronise.
          </p>
        ) : null}
      </form>

      {testResult ? <TestResultView result={testResult} /> : null}
      {saved && !saved.enabled && testResult?.ok ? (
        <EnableOffer
          lastPreview={lastPreview}
          busy={busy}
          enabling={action.busy === 'enable'}
          onEnable={() => void enable(saved)}
        />
      ) : null}

      {saved?.secretSet ? (
        <FieldPreviewPanel
          integrationId={saved.id}
          unitField={form.unitField}
          userTypeField={form.userTypeField}
          onUse={model.change}
        />
      ) : null}

      {saved ? (
        <>
          <RunHistory integrationId={saved.id} refreshKey={runsKey} />
          <section className="danger-zone" aria-labelledby="danger-title">
            <h2 id="danger-title">Delete integration</h2>
            <p className="small muted">
              Deleting stops synchronisation for this integration and removes its settings. This
              cannot be undone.
            </p>
            <ConfirmButton
              label="Delete integration"
              question={`Delete “${saved.name}”?`}
              confirmLabel="Yes, delete"
              onConfirm={async () => {
                await remove(saved.id);
              }}
            />
          </section>
        </>
      ) : null}
    </section>
  );
}

/** Moves keyboard focus to the first field with an error, after React has rendered it. */
function focusFirstError(): void {
  window.setTimeout(() => {
    const invalid = document.querySelector<HTMLElement>('[aria-invalid="true"]');
    invalid?.focus();
  }, 0);
}
