import { describe, expect, it } from 'vitest';
import { errorOf, itemsOf, query, runIdOf } from './api.ts';
import { splitIssues } from './lib/field-errors.ts';

describe('errorOf', () => {
  it('reads the API error envelope with its field issues', () => {
    const error = errorOf(400, {
      error: {
        code: 'validation_failed',
        message: 'Check the form',
        details: { issues: [{ field: 'userTypeField', message: 'must differ' }, { bad: 1 }] },
      },
    });
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('Check the form');
    expect(error.issues).toEqual([{ field: 'userTypeField', message: 'must differ' }]);
  });

  it('still gives a message for bodies of another shape', () => {
    const error = errorOf(502, '<html>bad gateway</html>');
    expect(error.code).toBe('http_502');
    expect(error.message).toContain('502');
    expect(error.issues).toEqual([]);
  });
});

describe('response helpers', () => {
  it('accepts lists as arrays or {items}', () => {
    expect(itemsOf([1, 2])).toEqual([1, 2]);
    expect(itemsOf({ items: [3], nextCursor: null })).toEqual([3]);
    expect(itemsOf({})).toEqual([]);
  });

  it('finds the run id of a 202 or a 409', () => {
    expect(runIdOf({ runId: 'r1' })).toBe('r1');
    expect(
      runIdOf({ error: { code: 'run_in_progress', message: 'x', details: { runId: 'r2' } } }),
    ).toBe('r2');
    expect(runIdOf({ error: { code: 'x', message: 'y' } })).toBeNull();
  });

  it('builds query strings from the non-empty values only', () => {
    expect(query({ status: 'deactivated', q: '', cursor: null, limit: 50 })).toBe(
      '?status=deactivated&limit=50',
    );
    expect(query({ q: 'a&b' })).toBe('?q=a%26b');
    expect(query({})).toBe('');
  });

  it('maps server issues to form fields, keeping the rest for a summary', () => {
    const { byField, other } = splitIssues(
      [
        { field: 'name', message: 'too long' },
        { field: 'body.tenantId', message: 'not a tenant' },
        { field: 'somethingElse', message: 'odd' },
      ],
      ['name', 'tenantId'] as const,
    );
    expect(byField).toEqual({ name: 'too long', tenantId: 'not a tenant' });
    expect(other).toEqual([{ field: 'somethingElse', message: 'odd' }]);
  });
});
