/** Where Graph posts change notifications and lifecycle events, under the public URL. */
export const HOOKS_PREFIX = '/api/hooks/graph';
export const NOTIFICATIONS_PATH = `${HOOKS_PREFIX}/notifications`;
export const LIFECYCLE_PATH = `${HOOKS_PREFIX}/lifecycle`;

/** The two URLs under `base` (a path prefix in PUBLIC_URL is kept: a proxy may mount us there). */
export function hookUrls(base: URL): { notificationUrl: string; lifecycleNotificationUrl: string } {
  const root = base.href.endsWith('/') ? base.href : `${base.href}/`;
  return {
    notificationUrl: new URL(NOTIFICATIONS_PATH.slice(1), root).href,
    lifecycleNotificationUrl: new URL(LIFECYCLE_PATH.slice(1), root).href,
  };
}
