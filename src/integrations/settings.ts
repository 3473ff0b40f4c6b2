import { z } from 'zod';
import type { Cloud, MatchField } from '../db/schema.ts';
import { ValidationError, type FieldIssue } from '../errors.ts';
import { exclusionRulesSchema, type ExclusionRule } from './exclusion-rules.ts';
import { CLOUDS, MATCH_FIELDS } from './match-fields.ts';
import { scopeGroupsSchema, scopeModeSchema, type ScopeGroup } from './scope-groups.ts';

export { secretExpiryWarning, type SecretExpiryWarning } from './secret-expiry.ts';

/** The settings an administrator edits on the form (SPEC §2), without the secret. */
export interface IntegrationSettings {
  name: string;
  applicationId: string;
  tenantId: string;
  /** Calendar date `YYYY-MM-DD`, or null when the admin did not say. */
  secretExpiresAt: string | null;
  unitField: MatchField;
  userTypeField: MatchField;
  enabled: boolean;
  cloud: Cloud;
  deactivateDisabledUsers: boolean;
  includeGuests: boolean;
  deletionThreshold: number;
  /**
   * Managed membership removals a run may apply without approval; null = the default (100
   * users or 10% of the integration's linked users, whichever is lower), 0 = guard off.
   */
  unassignmentThreshold: number | null;
  syncIntervalMinutes: number;
  /** Users any rule matches are out of scope (deactivated "out of scope"). */
  exclusionRules: ExclusionRule[];
  /** `all` users (default) or members of `scopeGroups`, nested groups included. */
  scopeMode: 'all' | 'groups';
  scopeGroups: ScopeGroup[];
  /**
   * Near-real-time updates (issue 16): keep a Graph change-notification subscription so a
   * change in Entra triggers an incremental run within seconds. Needs a public https URL.
   */
  nearRealTime: boolean;
}

/**
 * An integration as the API returns it. The client secret is write-only: only whether one
 * is stored (`secretSet`) ever leaves the service.
 */
export interface Integration extends IntegrationSettings {
  id: string;
  secretSet: boolean;
  createdAt: string;
  updatedAt: string;
}

export const NAME_MAX = 100;
export const SECRET_MAX = 1024;
export const SYNC_INTERVAL_MIN = 5;
/** One week: a longer interval is almost certainly a typo (minutes vs hours). */
export const SYNC_INTERVAL_MAX = 10_080;
/** Far above any real directory; keeps the column a safe integer. */
export const DELETION_THRESHOLD_MAX = 10_000_000;

export const DIFFERENT_FIELDS_MESSAGE = 'The user type field must differ from the unit field';

// Without the `i` flag so the pattern reads the same in the OpenAPI document.
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** True for a GUID in its usual 8-4-4-4-12 hexadecimal form. */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/**
 * True for a DNS name with at least two labels (`contoso.onmicrosoft.com`): the form Entra
 * accepts as a tenant in the token URL. The top-level label may not be all digits, so an IP
 * address is not mistaken for a domain.
 */
export function isDomainName(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((l) => DNS_LABEL.test(l))) return false;
  return !/^\d+$/.test(labels[labels.length - 1] ?? '');
}

/** True for a real calendar date written `YYYY-MM-DD` (2026-02-30 is not one). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** "Name is required" when absent, `typeMessage` when present with the wrong type. */
function required(label: string, typeMessage: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined || issue.input === null ? `${label} is required` : typeMessage,
  };
}

/** Each setting's schema, one place for every body that takes settings (PATCH, impact). */
export const fields = {
  name: z
    .string(required('Name', 'Name must be text'))
    .trim()
    .min(1, 'Name is required')
    .max(NAME_MAX, `Name must be at most ${NAME_MAX} characters`),
  applicationId: z
    .string(required('Application ID', 'Application ID must be text'))
    .trim()
    .toLowerCase()
    .regex(GUID, 'Application ID must be a GUID, e.g. 11111111-2222-3333-4444-555555555555'),
  tenantId: z
    .string(required('Tenant ID', 'Tenant ID must be text'))
    .trim()
    .toLowerCase()
    .refine(
      (v) => isGuid(v) || isDomainName(v),
      'Tenant ID must be a GUID or a domain name such as contoso.onmicrosoft.com',
    ),
  // Entra secrets never contain spaces; trimming forgives a pasted trailing newline.
  secret: z
    .string(required('Secret', 'Secret must be text'))
    .trim()
    .min(1, 'Secret is required')
    .max(SECRET_MAX, `Secret must be at most ${SECRET_MAX} characters`),
  secretExpiresAt: z
    .string({ error: 'Secret expiry must be a date YYYY-MM-DD or null' })
    .refine(isCalendarDate, 'Secret expiry must be a date YYYY-MM-DD')
    .nullable(),
  unitField: z.enum(MATCH_FIELDS, required('Unit field', fieldChoice('Unit field'))),
  userTypeField: z.enum(MATCH_FIELDS, required('User type field', fieldChoice('User type field'))),
  enabled: z.boolean({ error: 'Enabled must be true or false' }),
  cloud: z.enum(CLOUDS, { error: `Cloud must be one of ${CLOUDS.join(', ')}` }),
  deactivateDisabledUsers: z.boolean({ error: 'Deactivate disabled users must be true or false' }),
  includeGuests: z.boolean({ error: 'Include guests must be true or false' }),
  deletionThreshold: z
    .number({ error: 'Deletion threshold must be a whole number' })
    .int('Deletion threshold must be a whole number')
    .min(0, 'Deletion threshold must be 0 (guard off) or more')
    .max(DELETION_THRESHOLD_MAX, `Deletion threshold must be at most ${DELETION_THRESHOLD_MAX}`),
  unassignmentThreshold: z
    .number({ error: 'Unassignment threshold must be a whole number, or null for the default' })
    .int('Unassignment threshold must be a whole number')
    .min(0, 'Unassignment threshold must be 0 (guard off) or more')
    .max(DELETION_THRESHOLD_MAX, `Unassignment threshold must be at most ${DELETION_THRESHOLD_MAX}`)
    .nullable(),
  syncIntervalMinutes: z
    .number({ error: 'Sync interval must be a whole number of minutes' })
    .int('Sync interval must be a whole number of minutes')
    .min(SYNC_INTERVAL_MIN, `Sync interval must be at least ${SYNC_INTERVAL_MIN} minutes`)
    .max(SYNC_INTERVAL_MAX, `Sync interval must be at most ${SYNC_INTERVAL_MAX} minutes (a week)`),
  exclusionRules: exclusionRulesSchema,
  scopeMode: scopeModeSchema,
  scopeGroups: scopeGroupsSchema,
  nearRealTime: z.boolean({ error: 'Near-real-time updates must be true or false' }),
};

function fieldChoice(label: string): string {
  return `${label} must be one of ${MATCH_FIELDS.join(', ')}`;
}

/**
 * Rules that involve more than one field. Returns the problems, each naming the field the
 * administrator should change. Used on create and on the merged result of a PATCH.
 */
export function crossFieldIssues(
  settings: Pick<IntegrationSettings, 'unitField' | 'userTypeField'> &
    Partial<Pick<IntegrationSettings, 'scopeMode' | 'scopeGroups'>>,
): FieldIssue[] {
  const issues: FieldIssue[] =
    settings.unitField === settings.userTypeField
      ? [{ field: 'userTypeField', message: DIFFERENT_FIELDS_MESSAGE }]
      : [];
  if (settings.scopeMode === 'groups' && !settings.scopeGroups?.length) {
    issues.push({
      field: 'scopeGroups',
      message: 'Choose at least one group, or set the scope to all users',
    });
  }
  return issues;
}

/** Body of `POST /integrations`: the secret is required; the rest default as in SPEC §2. */
export const createIntegrationSchema = z
  .strictObject({
    name: fields.name,
    applicationId: fields.applicationId,
    tenantId: fields.tenantId,
    secret: fields.secret,
    secretExpiresAt: fields.secretExpiresAt.default(null),
    unitField: fields.unitField,
    userTypeField: fields.userTypeField,
    // Off until the administrator enables it: a half-configured integration must not run.
    enabled: fields.enabled.default(false),
    cloud: fields.cloud.default('global'),
    deactivateDisabledUsers: fields.deactivateDisabledUsers.default(true),
    includeGuests: fields.includeGuests.default(false),
    deletionThreshold: fields.deletionThreshold.default(500),
    unassignmentThreshold: fields.unassignmentThreshold.default(null),
    syncIntervalMinutes: fields.syncIntervalMinutes.default(60),
    exclusionRules: fields.exclusionRules.default([]),
    scopeMode: fields.scopeMode.default('all'),
    scopeGroups: fields.scopeGroups.default([]),
    // Off: it needs a public https URL Graph can reach, which most installs lack at first.
    nearRealTime: fields.nearRealTime.default(false),
  })
  .superRefine((value, ctx) => {
    for (const issue of crossFieldIssues(value)) {
      ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
    }
  });

/**
 * Body of `PATCH /integrations/:id`: any subset of the fields. `secret` replaces the stored
 * secret; leaving it out keeps it. Cross-field rules are checked on the merged result.
 */
export const patchIntegrationSchema = z.strictObject({
  name: fields.name.optional(),
  applicationId: fields.applicationId.optional(),
  tenantId: fields.tenantId.optional(),
  secret: fields.secret.optional(),
  secretExpiresAt: fields.secretExpiresAt.optional(),
  unitField: fields.unitField.optional(),
  userTypeField: fields.userTypeField.optional(),
  enabled: fields.enabled.optional(),
  cloud: fields.cloud.optional(),
  deactivateDisabledUsers: fields.deactivateDisabledUsers.optional(),
  includeGuests: fields.includeGuests.optional(),
  deletionThreshold: fields.deletionThreshold.optional(),
  unassignmentThreshold: fields.unassignmentThreshold.optional(),
  syncIntervalMinutes: fields.syncIntervalMinutes.optional(),
  exclusionRules: fields.exclusionRules.optional(),
  scopeMode: fields.scopeMode.optional(),
  scopeGroups: fields.scopeGroups.optional(),
  nearRealTime: fields.nearRealTime.optional(),
});

/** What a caller may send to create an integration (defaults not yet applied). */
export type CreateIntegrationRequest = z.input<typeof createIntegrationSchema>;
/** A validated create request with every default applied. */
export type CreateIntegrationInput = z.output<typeof createIntegrationSchema>;
/** What a caller may send to PATCH an integration. */
export type IntegrationPatchRequest = z.input<typeof patchIntegrationSchema>;
/** A validated PATCH: only the fields the caller sent. */
export type IntegrationPatch = z.output<typeof patchIntegrationSchema>;

/** Validates a create request; throws a ValidationError naming every field at fault. */
export function parseCreateIntegration(body: unknown): CreateIntegrationInput {
  const result = createIntegrationSchema.safeParse(body);
  if (!result.success) throw invalid(result.error);
  return result.data;
}

/** Validates a PATCH body (shape and single-field rules only; see `mergeSettings`). */
export function parseIntegrationPatch(body: unknown): IntegrationPatch {
  const result = patchIntegrationSchema.safeParse(body);
  if (!result.success) throw invalid(result.error);
  return result.data;
}

/**
 * Applies a PATCH to the stored settings and checks the cross-field rules on the result:
 * patching `unitField` to the stored `userTypeField` is as wrong as sending both equal.
 */
export function mergeSettings(
  stored: IntegrationSettings,
  patch: IntegrationPatch,
): IntegrationSettings {
  const merged: IntegrationSettings = {
    name: patch.name ?? stored.name,
    applicationId: patch.applicationId ?? stored.applicationId,
    tenantId: patch.tenantId ?? stored.tenantId,
    secretExpiresAt:
      patch.secretExpiresAt === undefined ? stored.secretExpiresAt : patch.secretExpiresAt,
    unitField: patch.unitField ?? stored.unitField,
    userTypeField: patch.userTypeField ?? stored.userTypeField,
    enabled: patch.enabled ?? stored.enabled,
    cloud: patch.cloud ?? stored.cloud,
    deactivateDisabledUsers: patch.deactivateDisabledUsers ?? stored.deactivateDisabledUsers,
    includeGuests: patch.includeGuests ?? stored.includeGuests,
    deletionThreshold: patch.deletionThreshold ?? stored.deletionThreshold,
    unassignmentThreshold:
      patch.unassignmentThreshold === undefined
        ? stored.unassignmentThreshold
        : patch.unassignmentThreshold,
    syncIntervalMinutes: patch.syncIntervalMinutes ?? stored.syncIntervalMinutes,
    exclusionRules: patch.exclusionRules ?? stored.exclusionRules,
    scopeMode: patch.scopeMode ?? stored.scopeMode,
    scopeGroups: patch.scopeGroups ?? stored.scopeGroups,
    nearRealTime: patch.nearRealTime ?? stored.nearRealTime,
  };
  const issues = crossFieldIssues(merged);
  if (issues.length) throw new ValidationError('Invalid integration settings', issues);
  return merged;
}

/** Turns zod's issues into field-named issues; unknown fields are reported one by one. */
export function fieldIssuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: key, message: `Unknown field ${key}` }));
    }
    return [{ field: issue.path.map(String).join('.') || 'body', message: issue.message }];
  });
}

function invalid(error: z.ZodError): ValidationError {
  return new ValidationError('Invalid integration settings', fieldIssuesOf(error));
}
