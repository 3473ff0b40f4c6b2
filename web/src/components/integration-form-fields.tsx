import type { ReactNode } from 'react';
import { ExclusionRulesEditor } from './exclusion-rules-editor.tsx';
import { CheckboxField, SelectField, TextField } from './field.tsx';
import { ScopeGroupsPicker } from './scope-groups-picker.tsx';
import { SecretField } from './secret-field.tsx';
import type { FormErrors, IntegrationFormState } from '../lib/integration-form.ts';
import { CLOUD_LABELS, HELP, MATCH_FIELD_LABELS } from '../lib/integration-help.ts';
import { CLOUDS, MATCH_FIELDS } from '../types.ts';

const MATCH_OPTIONS = MATCH_FIELDS.map((value) => ({ value, label: MATCH_FIELD_LABELS[value] }));
const CLOUD_OPTIONS = CLOUDS.map((value) => ({ value, label: CLOUD_LABELS[value] }));

interface Props {
  form: IntegrationFormState;
  errors: FormErrors;
  secretSet: boolean;
  replacingSecret: boolean;
  onReplaceSecret: (replacing: boolean) => void;
  onChange: (patch: Partial<IntegrationFormState>) => void;
  /**
   * False until a Test connection passed (issue 17): a new integration is saved disabled and
   * cannot be switched on with untested credentials. Switching off is always possible.
   */
  canEnable: boolean;
  /** The saved integration, through which the group picker searches; absent on create. */
  integrationId?: string | undefined;
}

/** The fields of the Azure User Sync form, in the order of SPEC §2, with help texts. */
export function IntegrationFormFields(props: Props): ReactNode {
  const { form, errors, onChange } = props;
  return (
    <div className="form-columns">
      <div>
        <fieldset>
          <legend>Connection</legend>
          <TextField
            id="integration-name"
            label="Name"
            value={form.name}
            onChange={(name) => onChange({ name })}
            help={HELP.name}
            error={errors.name}
            maxLength={100}
            required
          />
          <TextField
            id="integration-application-id"
            label="Application ID"
            value={form.applicationId}
            onChange={(applicationId) => onChange({ applicationId })}
            help={HELP.applicationId}
            error={errors.applicationId}
            placeholder="00000000-0000-0000-0000-000000000000"
            required
          />
          <TextField
            id="integration-tenant-id"
            label="Tenant ID"
            value={form.tenantId}
            onChange={(tenantId) => onChange({ tenantId })}
            help={HELP.tenantId}
            error={errors.tenantId}
            placeholder="GUID or contoso.onmicrosoft.com"
            required
          />
          <SecretField
            secretSet={props.secretSet}
            replacing={props.replacingSecret || !props.secretSet}
            value={form.secret}
            error={errors.secret}
            onChange={(secret) => onChange({ secret })}
            onReplace={props.onReplaceSecret}
          />
          <TextField
            id="integration-secret-expires-at"
            label="Secret expires on"
            type="date"
            value={form.secretExpiresAt}
            onChange={(secretExpiresAt) => onChange({ secretExpiresAt })}
            help={HELP.secretExpiresAt}
            error={errors.secretExpiresAt}
          />
          <SelectField
            id="integration-cloud"
            label="Cloud"
            value={form.cloud}
            options={CLOUD_OPTIONS}
            onChange={(cloud) => onChange({ cloud })}
            help={HELP.cloud}
            error={errors.cloud}
          />
        </fieldset>
      </div>
      <div>
        <fieldset>
          <legend>Matching</legend>
          <SelectField
            id="integration-unit-field"
            label="Unit field"
            value={form.unitField}
            options={MATCH_OPTIONS}
            onChange={(unitField) => onChange({ unitField })}
            help={HELP.unitField}
            error={errors.unitField}
          />
          <SelectField
            id="integration-user-type-field"
            label="User type field"
            value={form.userTypeField}
            options={MATCH_OPTIONS}
            onChange={(userTypeField) => onChange({ userTypeField })}
            help={HELP.userTypeField}
            error={errors.userTypeField}
          />
        </fieldset>
        <fieldset>
          <legend>Scope</legend>
          <ScopeGroupsPicker
            integrationId={props.integrationId}
            mode={form.scopeMode}
            groups={form.scopeGroups}
            onChange={onChange}
            help={HELP.scope}
            error={errors.scopeGroups}
          />
          <ExclusionRulesEditor
            integrationId={props.integrationId}
            rules={form.exclusionRules}
            onChange={(exclusionRules) => onChange({ exclusionRules })}
            help={HELP.exclusionRules}
            error={errors.exclusionRules}
          />
        </fieldset>
        <fieldset>
          <legend>Behaviour</legend>
          <CheckboxField
            id="integration-enabled"
            label="Enabled"
            checked={form.enabled}
            onChange={(enabled) => onChange({ enabled })}
            disabled={!props.canEnable && !form.enabled}
            help={props.canEnable || form.enabled ? HELP.enabled : HELP.enableAfterTest}
            error={errors.enabled}
          />
          <CheckboxField
            id="integration-deactivate-disabled"
            label="Deactivate disabled accounts"
            checked={form.deactivateDisabledUsers}
            onChange={(deactivateDisabledUsers) => onChange({ deactivateDisabledUsers })}
            help={HELP.deactivateDisabledUsers}
            error={errors.deactivateDisabledUsers}
          />
          <CheckboxField
            id="integration-include-guests"
            label="Include guests"
            checked={form.includeGuests}
            onChange={(includeGuests) => onChange({ includeGuests })}
            help={HELP.includeGuests}
            error={errors.includeGuests}
          />
          <TextField
            id="integration-deletion-threshold"
            label="Deletion threshold"
            type="number"
            min={0}
            value={form.deletionThreshold}
            onChange={(deletionThreshold) => onChange({ deletionThreshold })}
            help={HELP.deletionThreshold}
            error={errors.deletionThreshold}
          />
          <TextField
            id="integration-unassignment-threshold"
            label="Unassignment threshold"
            type="number"
            min={0}
            placeholder="Default: 100 or 10%"
            value={form.unassignmentThreshold}
            onChange={(unassignmentThreshold) => onChange({ unassignmentThreshold })}
            help={HELP.unassignmentThreshold}
            error={errors.unassignmentThreshold}
          />
          <CheckboxField
            id="integration-near-real-time"
            label="Near-real-time updates"
            checked={form.nearRealTime}
            onChange={(nearRealTime) => onChange({ nearRealTime })}
            help={HELP.nearRealTime}
            error={errors.nearRealTime}
          />
          <TextField
            id="integration-sync-interval"
            label="Sync interval (minutes)"
            type="number"
            min={5}
            value={form.syncIntervalMinutes}
            onChange={(syncIntervalMinutes) => onChange({ syncIntervalMinutes })}
            help={HELP.syncIntervalMinutes}
            error={errors.syncIntervalMinutes}
          />
        </fieldset>
      </div>
    </div>
  );
}
