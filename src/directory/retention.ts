import { addDays } from '../clock.ts';

/**
 * When a user deactivated at `deactivatedAt` is permanently deleted: the retention window
 * (DEACTIVATED_RETENTION_DAYS) after deactivation.
 */
export function purgeDateFor(deactivatedAt: Date, retentionDays: number): Date {
  return addDays(deactivatedAt, retentionDays);
}
