import { z } from 'zod';
import { CHANGE_ACTIONS } from '../sync/change-details.ts';
import { CHANGE_CURSOR } from '../sync/changes-repo.ts';

/**
 * The contract of the run routes (SPEC §6): the server validates and serialises with these and
 * the panel takes its types from them (`import type`), so nothing is declared twice.
 */

export const runStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'held']);

export const runCountsView = z.object({
  created: z.number(),
  updated: z.number(),
  linked: z.number(),
  deactivated: z.number(),
  reactivated: z.number(),
  unchanged: z.number(),
  skipped: z.number(),
  unassigned: z.number(),
});

export const runView = z.object({
  id: z.string(),
  integrationId: z.string(),
  mode: z.enum(['full', 'incremental', 'reconcile']),
  dryRun: z.boolean(),
  trigger: z.string(),
  status: runStatusSchema,
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress: z.object({
    usersRead: z.number(),
    pages: z.number(),
    /** While the run waits on Microsoft Graph before retrying (429 or 503/504). */
    waiting: z
      .object({ reason: z.enum(['throttled', 'unavailable']), until: z.string() })
      .nullable(),
  }),
  counts: runCountsView,
  heldDeletions: z.number(),
  heldUnassignments: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  notes: z.array(z.string()),
});

/** `POST /integrations/:id/sync`: a full run (Initiate synchronisation) or a dry run. */
export const startRunBody = z
  .strictObject({ full: z.boolean().optional(), dryRun: z.boolean().optional() })
  .optional();

export const startedRunView = z.object({ runId: z.string() });

/** 409 of `POST /integrations/:id/sync`: the run already in progress. */
export const runInProgressView = z.object({
  runId: z.string(),
  error: z.object({ code: z.string(), message: z.string() }),
});

export const runChangesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().regex(CHANGE_CURSOR).optional(),
  action: z.enum(CHANGE_ACTIONS).optional(),
  q: z.string().max(200).optional(),
});

/** One per-user change of a run; `details` is `ChangeDetails` (src/sync/change-details.ts). */
export const runChangeView = z.object({
  seq: z.number(),
  action: z.string(),
  subject: z.string(),
  externalId: z.string().nullable(),
  userId: z.string().nullable(),
  details: z.unknown(),
  createdAt: z.string(),
});

export const runChangesPageView = z.object({
  items: z.array(runChangeView),
  nextCursor: z.string().nullable(),
});
