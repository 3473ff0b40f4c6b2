/** The Microsoft Graph client: everything other modules may use. */
export { createGraphClient, type GraphClientOptions } from './client.ts';
export { CLOUDS, resolveEndpoints, type CloudHosts, type GraphEndpoints } from './clouds.ts';
export {
  GraphError,
  ResyncRequiredError,
  isCredentialError,
  type GraphErrorCode,
} from './errors.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
export {
  USER_PROPERTIES,
  type ConnectionStep,
  type ConnectionTestResult,
  type DeltaPage,
  type DeltaStart,
  type GraphClient,
  type GraphCloud,
  type GraphEvent,
  type GraphUser,
  type ListUsersOptions,
  type PagingOptions,
  type RemovedUser,
  type UsersPage,
} from './types.ts';
