import type { AppContext } from '../context.ts';
import type { DirectoryHooks } from '../directory/hooks.ts';

/**
 * After a committed change to units, user types or integration settings: lets the sync
 * reconcile at once (SPEC §5.12). The change itself has succeeded, so a failure to queue the
 * reconcile is logged, not answered: the next scheduled run converges anyway.
 */
export function configChanged(ctx: AppContext, hooks: DirectoryHooks) {
  return async (orgId: string): Promise<void> => {
    try {
      await hooks.afterConfigChanged?.(orgId);
    } catch (err) {
      ctx.log.warn({ err, orgId }, 'could not queue the reconcile after a configuration change');
    }
  };
}
