/**
 * Calls of the administrator's view (issue 13): field preview, unassigned groups, the
 * filtered users list, its totals and CSV export. The shapes are the server's zod schemas,
 * imported as types only, so the panel cannot drift from the API.
 */
import type { FieldPreviewBody, FieldPreviewView } from '../../src/http/preview-schemas.ts';
import type {
  GroupUsersView,
  UnassignedGroupsQuery,
  UnassignedGroupsView,
} from '../../src/http/unassigned-schemas.ts';
import { query, request } from './api.ts';
import type { UserCounts, UserFilterQuery, UserPage } from './types.ts';

const id = encodeURIComponent;

export function fieldPreview(
  integrationId: string,
  body: FieldPreviewBody,
): Promise<FieldPreviewView> {
  return request('POST', `/integrations/${id(integrationId)}/field-preview`, body);
}

export type UserTab = 'all' | 'unassigned' | 'deactivated';

/** The Unassigned tab's users by cause, under the list's search and filters. */
export function unassignedGroups(f: UserFilters): Promise<UnassignedGroupsView> {
  const { search, unitId, userTypeId, integrationId } = filterParams('unassigned', f);
  const params: UnassignedGroupsQuery = { search, unitId, userTypeId, integrationId };
  return request('GET', `/users/unassigned-groups${query(params)}`);
}

/** A page of one group's users (under the same filters as the groups). */
export function groupUsers(
  key: string,
  cursor: string | null,
  f: UserFilters,
  limit = 20,
): Promise<GroupUsersView> {
  const { search, unitId, userTypeId, integrationId } = filterParams('unassigned', f);
  return request(
    'GET',
    `/users/unassigned-groups/users${query({ key, cursor, limit, search, unitId, userTypeId, integrationId })}`,
  );
}

/** The users list's filters, as they stand in the page's URL. */
export interface UserFilters {
  search: string;
  unitId: string;
  userTypeId: string;
  integrationId: string;
}

function filterParams(tab: UserTab, f: UserFilters): UserFilterQuery {
  return {
    ...(tab === 'unassigned' ? { assignment: 'unassigned' } : {}),
    ...(tab === 'deactivated' ? { status: 'deactivated' } : {}),
    // Empty filters are left out (query() drops them; the server refuses an empty value).
    ...(f.search.trim() ? { search: f.search.trim() } : {}),
    ...(f.unitId ? { unitId: f.unitId } : {}),
    ...(f.userTypeId ? { userTypeId: f.userTypeId } : {}),
    ...(f.integrationId ? { integrationId: f.integrationId } : {}),
  };
}

export function listFilteredUsers(
  tab: UserTab,
  f: UserFilters,
  cursor: string | null,
  limit = 50,
): Promise<UserPage> {
  return request('GET', `/users${query({ ...filterParams(tab, f), limit, cursor })}`);
}

export function userCounts(f: UserFilters): Promise<UserCounts> {
  const { search, unitId, userTypeId, integrationId } = filterParams('all', f);
  return request('GET', `/users/counts${query({ search, unitId, userTypeId, integrationId })}`);
}

/** The URL of the CSV export of the list as filtered (a plain link: the browser streams it). */
export function exportCsvUrl(tab: UserTab, f: UserFilters): string {
  return `/api/v1/users/export.csv${query(filterParams(tab, f))}`;
}
