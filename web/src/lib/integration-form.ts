/**
 * The Azure User Sync form (SPEC §2) as pure data: what the inputs hold, the checks made
 * before saving, and the body sent to the API. The server checks again; its field issues
 * are shown the same way.
 */
import type {
  Cloud,
  ExclusionRule,
  Integration,
  IntegrationInput,
  MatchField,
  ScopeGroup,
} from '../types.ts';

/** The create body with the secret optional: PATCH takes it as is, create adds the secret. */
export type IntegrationBody = Omit<IntegrationInput, 'secret'> & { secret?: string };

/** What the inputs hold: text inputs as strings, exactly as typed. */
export interface IntegrationFormState {
  name: string;
  applicationId: string;
  tenantId: string;
  /** The secret being entered; '' leaves a stored secret as it is. */
  secret: string;
  /** `YYYY-MM-DD` from the date input, or ''. */
  secretExpiresAt: string;
  unitField: MatchField;
  userTypeField: MatchField;
  enabled: boolean;
  cloud: Cloud;
  deactivateDisabledUsers: boolean;
  includeGuests: boolean;
  deletionThreshold: string;
  /** '' = the default (100 users or 10% of the linked users, whichever is lower). */
  unassignmentThreshold: string;
  syncIntervalMinutes: string;
  exclusionRules: ExclusionRule[];
  scopeMode: 'all' | 'groups';
  scopeGroups: ScopeGroup[];
  nearRealTime: boolean;
}

export type FormErrors = Partial<Record<keyof IntegrationFormState, string>>;

/** A new integration's form, with the defaults of SPEC §2. */
export function emptyForm(): IntegrationFormState {
  return {
    name: '',
    applicationId: '',
    tenantId: '',
    secret: '',
    secretExpiresAt: '',
    unitField: 'department',
    userTypeField: 'jobTitle',
    // Off until a passing Test connection (issue 17): an untested integration must not run.
    enabled: false,
    cloud: 'global',
    deactivateDisabledUsers: true,
    includeGuests: false,
    deletionThreshold: '500',
    unassignmentThreshold: '',
    syncIntervalMinutes: '60',
    exclusionRules: [],
    scopeMode: 'all',
    scopeGroups: [],
    nearRealTime: false,
  };
}

/** The form filled from a stored integration (the secret is never known). */
export function formFromIntegration(integration: Integration): IntegrationFormState {
  return {
    name: integration.name,
    applicationId: integration.applicationId,
    tenantId: integration.tenantId,
    secret: '',
    secretExpiresAt: integration.secretExpiresAt ? integration.secretExpiresAt.slice(0, 10) : '',
    unitField: integration.unitField,
    userTypeField: integration.userTypeField,
    enabled: integration.enabled,
    cloud: integration.cloud,
    deactivateDisabledUsers: integration.deactivateDisabledUsers,
    includeGuests: integration.includeGuests,
    deletionThreshold: String(integration.deletionThreshold),
    unassignmentThreshold:
      integration.unassignmentThreshold === null ? '' : String(integration.unassignmentThreshold),
    syncIntervalMinutes: String(integration.syncIntervalMinutes),
    exclusionRules: integration.exclusionRules ?? [],
    scopeMode: integration.scopeMode ?? 'all',
    scopeGroups: integration.scopeGroups ?? [],
    nearRealTime: integration.nearRealTime ?? false,
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A DNS name with at least one dot, e.g. contoso.onmicrosoft.com.
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The message for an equal unit and user type field, shown as soon as both are chosen. */
export const SAME_FIELD_MESSAGE =
  'The user type field must differ from the unit field: choose two different Entra fields.';

/**
 * Checks the form before saving. `secretRequired` is true on create, and when the admin
 * pressed Replace on an existing secret.
 */
export function validateForm(form: IntegrationFormState, secretRequired: boolean): FormErrors {
  const errors: FormErrors = {};
  const name = form.name.trim();
  if (!name) errors.name = 'Enter a name.';
  else if (name.length > 100) errors.name = 'Use at most 100 characters.';
  if (!GUID.test(form.applicationId.trim())) {
    errors.applicationId = 'Enter the Application (client) ID: a GUID like 00000000-0000-…';
  }
  const tenant = form.tenantId.trim();
  if (!GUID.test(tenant) && !DOMAIN.test(tenant)) {
    errors.tenantId =
      'Enter the Directory (tenant) ID (a GUID) or a domain like contoso.onmicrosoft.com.';
  }
  if (secretRequired && !form.secret.trim()) errors.secret = 'Paste the client secret’s Value.';
  if (form.secretExpiresAt && !DATE.test(form.secretExpiresAt)) {
    errors.secretExpiresAt = 'Enter a date (YYYY-MM-DD) or leave empty.';
  }
  if (form.unitField === form.userTypeField) errors.userTypeField = SAME_FIELD_MESSAGE;
  const threshold = wholeNumber(form.deletionThreshold);
  if (threshold === null || threshold < 0) {
    errors.deletionThreshold = 'Enter a whole number of users (0 turns the guard off).';
  }
  if (form.unassignmentThreshold.trim() && wholeNumber(form.unassignmentThreshold) === null) {
    errors.unassignmentThreshold =
      'Enter a whole number of users (0 turns the guard off), or leave empty for the default.';
  }
  const interval = wholeNumber(form.syncIntervalMinutes);
  if (interval === null || interval < 5) {
    errors.syncIntervalMinutes = 'Enter a whole number of minutes, at least 5.';
  }
  if (form.exclusionRules.some((r) => !r.value.trim())) {
    errors.exclusionRules = 'Every exclusion rule needs a value (or remove the rule).';
  }
  if (form.scopeMode === 'groups' && form.scopeGroups.length === 0) {
    errors.scopeGroups = 'Choose at least one group, or set the scope to all users.';
  }
  return errors;
}

function wholeNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * The API body for a valid form; the secret is included only when one was typed (a create
 * without one is refused by `validateForm` first, and by the server).
 */
export function inputFromForm(form: IntegrationFormState): IntegrationBody {
  const input: IntegrationBody = {
    name: form.name.trim(),
    applicationId: form.applicationId.trim(),
    tenantId: form.tenantId.trim(),
    secretExpiresAt: form.secretExpiresAt || null,
    unitField: form.unitField,
    userTypeField: form.userTypeField,
    enabled: form.enabled,
    cloud: form.cloud,
    deactivateDisabledUsers: form.deactivateDisabledUsers,
    includeGuests: form.includeGuests,
    deletionThreshold: Number(form.deletionThreshold.trim()),
    unassignmentThreshold: form.unassignmentThreshold.trim()
      ? Number(form.unassignmentThreshold.trim())
      : null,
    syncIntervalMinutes: Number(form.syncIntervalMinutes.trim()),
    exclusionRules: form.exclusionRules.map((r) => ({ ...r, value: r.value.trim() })),
    scopeMode: form.scopeMode,
    scopeGroups: form.scopeGroups,
    nearRealTime: form.nearRealTime,
  };
  const secret = form.secret.trim();
  if (secret) input.secret = secret;
  return input;
}
