import type { Cloud, MatchField } from '../db/schema.ts';

/**
 * The Entra user properties an administrator may pick as unit field or user type field
 * (SPEC §2). The sync engine requests all of them from Graph, so the order here is also
 * the order of the `$select` list.
 */
export const MATCH_FIELDS = [
  'jobTitle',
  'companyName',
  'department',
  'streetAddress',
  'state',
  'country',
  'officeLocation',
  'city',
  'postalCode',
  // Hybrid organisations' own codes (issue 14): read from the nested objects by path.
  'employeeType',
  'employeeOrgData/division',
  'employeeOrgData/costCenter',
  'onPremisesExtensionAttributes/extensionAttribute1',
  'onPremisesExtensionAttributes/extensionAttribute2',
  'onPremisesExtensionAttributes/extensionAttribute3',
  'onPremisesExtensionAttributes/extensionAttribute4',
  'onPremisesExtensionAttributes/extensionAttribute5',
  'onPremisesExtensionAttributes/extensionAttribute6',
  'onPremisesExtensionAttributes/extensionAttribute7',
  'onPremisesExtensionAttributes/extensionAttribute8',
  'onPremisesExtensionAttributes/extensionAttribute9',
  'onPremisesExtensionAttributes/extensionAttribute10',
  'onPremisesExtensionAttributes/extensionAttribute11',
  'onPremisesExtensionAttributes/extensionAttribute12',
  'onPremisesExtensionAttributes/extensionAttribute13',
  'onPremisesExtensionAttributes/extensionAttribute14',
  'onPremisesExtensionAttributes/extensionAttribute15',
] as const satisfies readonly MatchField[];

/** The national clouds an integration can live in; `global` is the default. */
export const CLOUDS = ['global', 'usgov', 'usgovdod', 'china'] as const satisfies readonly Cloud[];

/** Fields an exclusion rule may test besides the match fields; `mailDomain` is after `@`. */
export const EXTRA_RULE_FIELDS = [
  'userType',
  'accountEnabled',
  'mail',
  'mailDomain',
  'userPrincipalName',
] as const;

/** What an exclusion rule may test (issue 14): a few account properties and the match fields. */
export type ExclusionRuleField = MatchField | (typeof EXTRA_RULE_FIELDS)[number];

export const RULE_FIELDS: readonly ExclusionRuleField[] = [...EXTRA_RULE_FIELDS, ...MATCH_FIELDS];

export const RULE_OPERATORS = ['equals', 'startsWith', 'endsWith'] as const;
export type ExclusionOperator = (typeof RULE_OPERATORS)[number];

// Compile-time proof that the lists above name every member of the schema's unions, so a
// field added to `MatchField` or `Cloud` cannot be forgotten here.
type Missing<All, Listed> = Exclude<All, Listed>;
const everyMatchField: Missing<MatchField, (typeof MATCH_FIELDS)[number]> extends never
  ? true
  : false = true;
const everyCloud: Missing<Cloud, (typeof CLOUDS)[number]> extends never ? true : false = true;
void everyMatchField;
void everyCloud;
