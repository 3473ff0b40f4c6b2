import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, messageOf, type FieldIssue } from '../api.ts';
import { Alert, LoadState } from '../components/alert.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { FieldPreviewPanel } from '../components/field-preview-panel.tsx';
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
import { ImpactConfirm } from '../components/impact-confirm.tsx';
import { splitIssues } from '../lib/field-errors.ts';
import { hasEffect, isRisky, mappingPatch, type ImpactView } from '../lib/impact.ts';
import {
  emptyForm,
  formFromIntegration,
  inputFromForm,
  SAME_FIELD_MESSAGE,
  validateForm,
  type FormErrors,
  type IntegrationFormState,
} from '../lib/integration-form.ts';
import { paths } from '../lib/routes.ts';
import { secretWarning, secretWarningText } from '../lib/secret-expiry.ts';
import { useLoad } from '../lib/use-load.ts';
import { Link, navigate } from '../router.tsx';
import type { Integration, Run, TestResult } from '../types.ts';
import { formatCount } from '../lib/format.ts';

const FORM_FIELDS = Object.keys(emptyForm()) as (keyof IntegrationFormState)[];

/** Loads an integration (or starts a new one) and shows its form, actions and runs. */
export function IntegrationPage({ id }: { id: string | null }): ReactNode {
  const loaded = useLoad(() => (id ? getIntegration(id) : Promise.resolve(null)), id ?? 'new');
  if (loaded.data === undefined) {
    return (
      <section>
        <Breadcrumb name={id ? 'Integration' : 'New integration'} />
        <LoadState loading={loaded.loading} error={loaded.error} />
      </section>
    );
  }
  return <IntegrationEditor integration={loaded.data} />;
}

function Breadcrumb({ name }: { name: string }): ReactNode {
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb">
      <Link to={paths.integrations()}>Integrations</Link> <span aria-hidden="true">›</span>{' '}
      <span className="truncate">{name}</span>
    </nav>
  );
}

function IntegrationEditor({
  integration: initial,
}: {
  integration: Integration | null;
}): ReactNode {
  const [saved, setSaved] = useState<Integration | null>(initial);
  const [form, setForm] = useState<IntegrationFormState>(
    initial ? formFromIntegration(initial) : emptyForm(),
  );
  const [replacingSecret, setReplacingSecret] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [otherIssues, setOtherIssues] = useState<FieldIssue[]>([]);
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(
    new URLSearchParams(window.location.search).has('created')
      ? {
          kind: 'success',
          text: 'Integration created, disabled. Test the connection: once it works, preview what the first synchronisation will do, then enable it or initiate the synchronisation.',
        }
      : null,
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [testResult, setTestResult] = useState<TestResult | null>(null);
  const [runsKey, setRunsKey] = useState(0);
  const [savedNote, setSavedNote] = useState(false);
  /** The latest finished preview, shown beside Enable once the test passed. */
  const [lastPreview, setLastPreview] = useState<Run | null>(null);
  const canEnable = (saved?.enabled ?? false) || testResult?.ok === true;
  /** What a mapping change would do, shown before saving it (issue 17). */
  const [pendingImpact, setPendingImpact] = useState<ImpactView | null>(null);

  const secretRequired = !saved?.secretSet || replacingSecret;
  const clientErrors = validateForm(form, secretRequired);
  // The two fields must differ: say so at once, not only after pressing Save.
  const liveErrors: FormErrors = submitted
    ? clientErrors
    : form.unitField === form.userTypeField
      ? { userTypeField: SAME_FIELD_MESSAGE }
      : {};
  const errors: FormErrors = { ...serverErrors, ...liveErrors };
  const dirty = !saved || JSON.stringify(form) !== JSON.stringify(formFromIntegration(saved));

  const change = (patch: Partial<IntegrationFormState>): void => {
    setForm((current) => ({ ...current, ...patch }));
    setSavedNote(false);
    // A server complaint about a field is stale once that field is edited.
    setServerErrors((current) => {
      const next = { ...current };
      for (const key of Object.keys(patch) as (keyof IntegrationFormState)[]) delete next[key];
      return next;
    });
  };

  /** `confirmed`: the administrator saw the impact of a mapping change and went on. */
  const save = async (event: FormEvent | null, confirmed = false): Promise<void> => {
    event?.preventDefault();
    setPendingImpact(null);
    setSubmitted(true);
    setNotice(null);
    setSavedNote(false);
    setOtherIssues([]);
    if (Object.keys(clientErrors).length > 0) {
      focusFirstError();
      return;
    }
    setBusy('save');
    try {
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
        const created = await createIntegration(input);
        navigate(`${paths.integration(created.id)}?created=1`, { replace: true });
        return;
      }
      const updated = await updateIntegration(saved.id, input);
      setSaved(updated);
      setForm(formFromIntegration(updated));
      setReplacingSecret(false);
      setSubmitted(false);
      setServerErrors({});
      // Said beside the Save button: a notice at the top of the page is out of sight.
      setSavedNote(true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const { byField, other } = splitIssues(err.issues, FORM_FIELDS);
        setServerErrors(byField);
        setOtherIssues(other);
        setNotice({ kind: 'error', text: err.message });
        focusFirstError();
      } else {
        setNotice({ kind: 'error', text: messageOf(err) });
      }
    } finally {
      setBusy(null);
    }
  };

  const runTest = async (integrationId: string): Promise<void> => {
    setBusy('test');
    setNotice(null);
    setTestResult(null);
    try {
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
    } catch (err) {
      setNotice({ kind: 'error', text: messageOf(err) });
    } finally {
      setBusy(null);
    }
  };

  const sync = async (
    integrationId: string,
    options: { full?: boolean; dryRun?: boolean },
  ): Promise<void> => {
    setBusy(options.dryRun ? 'preview' : 'sync');
    setNotice(null);
    try {
      const started = await startSync(integrationId, options);
      navigate(paths.run(started.runId) + (started.alreadyRunning ? '?already=1' : ''));
    } catch (err) {
      setNotice({ kind: 'error', text: messageOf(err) });
      setBusy(null);
      setRunsKey((key) => key + 1);
    }
  };

  const enable = async (integration: Integration): Promise<void> => {
    setBusy('enable');
    setNotice(null);
    try {
      const updated = await updateIntegration(integration.id, { enabled: true });
      setSaved(updated);
      setForm(formFromIntegration(updated));
      setNotice({
        kind: 'success',
        text: 'Enabled: the integration now synchronises on its schedule. Initiate synchronisation to run the first full synchronisation now.',
      });
    } catch (err) {
      setNotice({ kind: 'error', text: messageOf(err) });
    } finally {
      setBusy(null);
    }
  };

  const remove = async (integrationId: string): Promise<void> => {
    try {
      await deleteIntegration(integrationId);
      navigate(paths.integrations(), { replace: true });
    } catch (err) {
      setNotice({ kind: 'error', text: messageOf(err) });
    }
  };

  const warning = saved ? secretWarning(saved, new Date()) : null;

  return (
    <section>
      <Breadcrumb name={saved ? saved.name : 'New integration'} />
      <div className="page-head">
        <h1 className="wrap">{saved ? saved.name : 'New Azure User Sync integration'}</h1>
      </div>
      {saved?.status === 'needs-attention' ? (
        <Alert kind="warning" testId="attention">
          <strong>Needs attention.</strong> {saved.attentionMessage ?? ''}
        </Alert>
      ) : null}
      {warning ? (
        <Alert kind={warning.level === 'expired' ? 'error' : 'warning'} testId="secret-warning">
          {secretWarningText(warning)}. Create a new secret in Entra ID (Certificates &amp; secrets)
          and replace it here.
        </Alert>
      ) : null}
      {notice ? (
        <Alert kind={notice.kind} testId="form-notice">
          {notice.text}
        </Alert>
      ) : null}
      {otherIssues.length > 0 ? (
        <Alert>
          <ul>
            {otherIssues.map((issue) => (
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
          errors={errors}
          secretSet={saved?.secretSet ?? false}
          integrationId={saved?.id}
          replacingSecret={replacingSecret}
          onReplaceSecret={(replacing) => {
            setReplacingSecret(replacing);
            if (!replacing) change({ secret: '' });
          }}
          onChange={change}
          canEnable={canEnable}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy !== null}>
            {busy === 'save' ? 'Saving…' : 'Save'}
          </button>
          {saved ? (
            <>
              <button type="button" onClick={() => void runTest(saved.id)} disabled={busy !== null}>
                {busy === 'test' ? 'Testing…' : 'Test connection'}
              </button>
              <button
                type="button"
                onClick={() => void sync(saved.id, { dryRun: true })}
                disabled={busy !== null}
              >
                {busy === 'preview' ? 'Starting preview…' : 'Preview'}
              </button>
              <button
                type="button"
                className="primary"
                onClick={() => void sync(saved.id, { full: true })}
                disabled={busy !== null}
              >
                {busy === 'sync' ? 'Starting…' : 'Initiate synchronisation'}
              </button>
            </>
          ) : null}
          <span role="status" className="saved-note" data-testid="saved-note">
            {savedNote ? '✓ Saved.' : ''}
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
        {saved && dirty ? (
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
        <section className="card" data-testid="enable-offer" aria-labelledby="enable-title">
          <h2 id="enable-title">Ready to enable</h2>
          {lastPreview ? (
            <p data-testid="enable-preview">
              The last preview would create {lastPreview.counts?.created ?? 0}, update{' '}
              {lastPreview.counts?.updated ?? 0}, link {lastPreview.counts?.linked ?? 0}, deactivate{' '}
              {lastPreview.counts?.deactivated ?? 0} and leave{' '}
              {usersText(lastPreview.counts?.unassigned ?? 0)} unassigned
              {lastPreview.status === 'held' ? ' (and it would be held for approval)' : ''}.{' '}
              <Link to={paths.run(lastPreview.id)}>See the preview</Link>
            </p>
          ) : (
            <p data-testid="enable-preview">
              No preview yet: press Preview to see what the first synchronisation would do, without
              changing anything.
            </p>
          )}
          <div className="actions">
            <button
              type="button"
              className="primary"
              onClick={() => void enable(saved)}
              disabled={busy !== null}
            >
              {busy === 'enable' ? 'Enabling…' : 'Enable'}
            </button>
          </div>
        </section>
      ) : null}

      {saved?.secretSet ? (
        <FieldPreviewPanel
          integrationId={saved.id}
          unitField={form.unitField}
          userTypeField={form.userTypeField}
          onUse={change}
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
              onConfirm={() => remove(saved.id)}
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

/** "1 user", "12 users". */
function usersText(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'user' : 'users'}`;
}
