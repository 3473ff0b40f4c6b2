/** Top-level parts of the OpenAPI document that are not derived from the routes. */

/**
 * Relative server URL: the document is served by the API itself, so clients resolve it
 * against wherever they fetched it (behind a proxy, on a custom port).
 */
export const OPENAPI_SERVERS = [{ url: '/', description: 'The server that serves this document' }];

export const OPENAPI_TAGS = [
  { name: 'auth', description: 'Signing in and out, the current administrator, own password' },
  { name: 'admins', description: "The organisation's platform administrators" },
  { name: 'tokens', description: 'API tokens for automation (read or read-write)' },
  { name: 'audit', description: 'Who changed what, when and from where' },
  { name: 'units', description: 'The organisation tree' },
  { name: 'user-types', description: 'Roles given to users inside a unit' },
  { name: 'users', description: 'Platform users, their status and memberships' },
  { name: 'integrations', description: 'Microsoft Entra ID integrations and their settings' },
  { name: 'runs', description: 'Synchronisation runs: start, preview, progress, approval' },
  { name: 'health', description: 'Liveness and readiness' },
];
