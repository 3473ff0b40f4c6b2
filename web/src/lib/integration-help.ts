/**
 * Labels and help texts of the Azure User Sync form: where each value is found in the
 * Microsoft Entra admin center (entra.microsoft.com).
 */
import type { Cloud, MatchField } from '../types.ts';

export const MATCH_FIELD_LABELS: Record<MatchField, string> = {
  jobTitle: 'Job title (jobTitle)',
  companyName: 'Company name (companyName)',
  department: 'Department (department)',
  streetAddress: 'Street address (streetAddress)',
  state: 'State or province (state)',
  country: 'Country or region (country)',
  officeLocation: 'Office location (officeLocation)',
  city: 'City (city)',
  postalCode: 'Postal code (postalCode)',
  employeeType: 'Employee type (employeeType)',
  'employeeOrgData/division': 'Division (employeeOrgData)',
  'employeeOrgData/costCenter': 'Cost center (employeeOrgData)',
  'onPremisesExtensionAttributes/extensionAttribute1':
    'Extension attribute 1 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute2':
    'Extension attribute 2 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute3':
    'Extension attribute 3 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute4':
    'Extension attribute 4 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute5':
    'Extension attribute 5 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute6':
    'Extension attribute 6 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute7':
    'Extension attribute 7 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute8':
    'Extension attribute 8 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute9':
    'Extension attribute 9 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute10':
    'Extension attribute 10 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute11':
    'Extension attribute 11 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute12':
    'Extension attribute 12 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute13':
    'Extension attribute 13 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute14':
    'Extension attribute 14 (onPremisesExtensionAttributes)',
  'onPremisesExtensionAttributes/extensionAttribute15':
    'Extension attribute 15 (onPremisesExtensionAttributes)',
};

export const CLOUD_LABELS: Record<Cloud, string> = {
  global: 'Global (login.microsoftonline.com)',
  usgov: 'US Government GCC High (login.microsoftonline.us)',
  usgovdod: 'US Government DoD (login.microsoftonline.us, dod-graph)',
  china: 'China, operated by 21Vianet (login.chinacloudapi.cn)',
};

export const HELP = {
  name: 'Shown in the integration list, e.g. “Contoso Entra ID”. 1–100 characters.',
  applicationId:
    'Entra admin center → App registrations → your app → Overview → Application (client) ID.',
  tenantId:
    'Entra admin center → App registrations → your app → Overview → Directory (tenant) ID, or a verified domain such as contoso.onmicrosoft.com.',
  secret:
    'Certificates & secrets → Client secrets → New client secret → copy the Value (not the Secret ID). It is stored encrypted and never shown again.',
  permission:
    'The app needs: API permissions → Add a permission → Microsoft Graph → Application permissions → User.Read.All → Grant admin consent.',
  secretExpiresAt:
    'Certificates & secrets → Client secrets → the “Expires” column. The panel warns 30 days before and after this date.',
  unitField:
    'The Entra user property whose value names the user’s unit (Users → a user → Properties). Its value must equal a unit name, e.g. department “Store 12”.',
  userTypeField:
    'The Entra user property listing the user’s user types, comma-separated, e.g. job title “Employee, Manager”. Must differ from the unit field.',
  enabled: 'Only enabled integrations are synchronised on their schedule.',
  enableAfterTest:
    'A new integration starts disabled: save it, press Test connection, and Enable is offered once the connection works (with a preview of what the first synchronisation will do).',
  cloud:
    'Global for almost every tenant. National clouds: Entra admin center → Overview → the tenant’s “Cloud” or the login host you sign in at.',
  deactivateDisabledUsers:
    'When “Account enabled” is No in Entra (Users → a user → Properties → Settings), the platform user is deactivated as if it had been deleted.',
  scope:
    'All users, or only members of the chosen Entra groups (members of groups nested in them count too). Needs the application permission GroupMember.Read.All. A change of groups takes effect with the next run; a user who leaves the groups is deactivated “out of scope”.',
  exclusionRules:
    'Users matching any rule are out of scope: never created, and deactivated (“out of scope”) if already synchronised. Compared without regard to case. Preview shows how many users a change deactivates.',
  includeGuests:
    'Also synchronise guest accounts (User type “Guest”, invited from other organisations). Off by default.',
  deletionThreshold:
    'If one run would deactivate more users than this, the deactivations are held until you approve them. 0 turns the guard off.',
  unassignmentThreshold:
    'If one run (or a settings change) would take the managed membership away from more users than this, those removals are held until you approve them; everything else applies. Empty = 100 users or 10% of the synchronised users, whichever is lower. 0 turns the guard off.',
  nearRealTime:
    'Microsoft Graph notifies the service of every change, which then arrives within seconds instead of at the next scheduled run. Needs a public https address Graph can reach (PUBLIC_URL); the scheduled run stays as the safety net.',
  syncIntervalMinutes:
    'Minutes between incremental synchronisations (Graph delta query). At least 5; 60 by default.',
} as const;
