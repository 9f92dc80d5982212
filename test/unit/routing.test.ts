import { describe, expect, it } from 'vitest';
import { OPERATIONS, toRoutePath } from '../../src/api/operations.js';
import { parseFilters, parsePaging } from '../../src/api/query.js';
import { rewriteActionUrl } from '../../src/api/router.js';
import { ApiError } from '../../src/domain/errors.js';

describe(':action routing', () => {
  it('rewrites a raw colon and %3A (either case) to the same route', () => {
    const want = '/v1/regions/r/instances/edcps-a/@stopInstance?x=1';
    expect(rewriteActionUrl('/v1/regions/r/instances/edcps-a:stopInstance?x=1')).toBe(want);
    expect(rewriteActionUrl('/v1/regions/r/instances/edcps-a%3AstopInstance?x=1')).toBe(want);
    expect(rewriteActionUrl('/v1/regions/r/instances/edcps-a%3astopInstance?x=1')).toBe(want);
  });

  it('leaves colons in the query alone', () => {
    expect(rewriteActionUrl('/v1/regions/r/instances?name=a:b')).toBe('/v1/regions/r/instances?name=a:b');
  });

  it('maps JD paths to router paths', () => {
    expect(toRoutePath('/v1/regions/{regionId}/keypairs:import')).toBe(
      '/v1/regions/:regionId/keypairs/@import',
    );
    expect(toRoutePath('/v1/regions/{regionId}/instances/{instanceId}:describeInstanceName')).toBe(
      '/v1/regions/:regionId/instances/:instanceId/@describeInstanceName',
    );
  });

  it('has all 58 operations with unique method and route', () => {
    expect(OPERATIONS).toHaveLength(58);
    expect(new Set(OPERATIONS.map((o) => `${o.spec.method} ${o.routePath}`)).size).toBe(58);
  });
});

describe('filters and paging', () => {
  it('groups filters without assuming contiguous indexes', () => {
    const f = parseFilters(
      { 'filters.3.name': 'status', 'filters.3.values.2': 'stopped', 'filters.3.values.7': 'running' },
      ['status'],
    );
    expect(f.get('status')).toEqual(['stopped', 'running']);
  });

  it('ignores a filter with a name and no values', () => {
    expect(parseFilters({ 'filters.1.name': 'status' }, ['status']).size).toBe(0);
  });

  it('rejects an unknown filter name, naming it', () => {
    expect(() => parseFilters({ 'filters.1.name': 'colour', 'filters.1.values.1': 'x' }, ['status'])).toThrow(
      /filters\.1\.name.*unknown filter "colour"/,
    );
  });

  it('rejects pageSize above 100 as OUT_OF_RANGE', () => {
    try {
      parsePaging({ pageSize: 101 });
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe('OUT_OF_RANGE');
      expect((e as ApiError).message).toMatch(/pageSize/);
    }
  });

  it('defaults to page 1 of 20', () => {
    expect(parsePaging({})).toEqual({ pageNumber: 1, pageSize: 20, offset: 0 });
  });
});
