import type { Selectable } from 'kysely';
import type {
  RunMode,
  RunStatus,
  RunTrigger,
  RunWaitingReason,
  SyncRunsTable,
} from '../db/schema.ts';

/** SPEC §5.9 counts. */
export interface RunCounts {
  created: number;
  updated: number;
  linked: number;
  deactivated: number;
  reactivated: number;
  unchanged: number;
  skipped: number;
  unassigned: number;
}

export const COUNT_KEYS = [
  'created',
  'updated',
  'linked',
  'deactivated',
  'reactivated',
  'unchanged',
  'skipped',
  'unassigned',
] as const satisfies readonly (keyof RunCounts)[];

/** A run as the API returns it. */
export interface Run {
  id: string;
  integrationId: string;
  mode: RunMode;
  dryRun: boolean;
  trigger: RunTrigger;
  status: RunStatus;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: {
    usersRead: number;
    pages: number;
    /**
     * Set while the run waits on Microsoft Graph before retrying (429 throttling honouring
     * Retry-After, or 503/504): why, and when the next attempt goes out.
     */
    waiting: { reason: RunWaitingReason; until: string } | null;
  };
  counts: RunCounts;
  heldDeletions: number;
  /** Managed membership removals held back by the unassignment guard. */
  heldUnassignments: number;
  error: { code: string; message: string } | null;
  notes: string[];
}

/**
 * Allowed status changes (Nango-style transition table). `running → running` is a worker
 * taking over a run whose previous worker stopped sending heartbeats.
 */
export const RUN_TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['running', 'failed'],
  running: ['running', 'succeeded', 'failed', 'held'],
  held: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
};

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

export function toRun(row: Selectable<SyncRunsTable>): Run {
  return {
    id: row.id,
    integrationId: row.integration_id,
    mode: row.mode,
    dryRun: row.dry_run === 1,
    trigger: row.trigger,
    status: row.status,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    progress: {
      usersRead: row.users_read,
      pages: row.pages,
      // Only while the run is in progress: a wait recorded by a run that then ended is over.
      waiting:
        row.waiting_reason && row.waiting_until && row.status === 'running'
          ? { reason: row.waiting_reason, until: row.waiting_until }
          : null,
    },
    counts: {
      created: row.created,
      updated: row.updated,
      linked: row.linked,
      deactivated: row.deactivated,
      reactivated: row.reactivated,
      unchanged: row.unchanged,
      skipped: row.skipped,
      unassigned: row.unassigned,
    },
    heldDeletions: row.held_deletions,
    heldUnassignments: row.held_unassignments,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    notes: row.notes ? row.notes.split('\n') : [],
  };
}
