import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/api/operations.js';
import { type TestServer, startTestServer } from '../helpers/sdk.js';

interface OpenApiOperation {
  operationId: string;
  tags?: string[];
  parameters?: { in: string; name: string; required?: boolean; schema: object }[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}

interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

describe('OpenAPI document and docs', () => {
  let s: TestServer;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    s = await startTestServer();
    const res = await fetch(`http://${s.host}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDoc;
  });
  afterAll(() => s.stop());

  // The JD operations; the operator API is listed too, under the tag `operator` (test/api/admin-auth.test.ts).
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => !op.tags?.includes('operator'))
        .map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );

  it('serves an OpenAPI 3 document without signing', () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d$/);
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.components?.securitySchemes).toHaveProperty('jdcloudSignature');
  });

  it('describes each of the 58 operations once, at its JD method and path', () => {
    const described = operations();
    expect(described).toHaveLength(58);
    expect(new Set(described.map((d) => d.op.operationId)).size).toBe(58);
    for (const o of OPERATIONS) {
      const jdPath = o.spec.path;
      expect(
        doc.paths[jdPath]?.[o.spec.method.toLowerCase()]?.operationId,
        `${o.spec.method} ${jdPath}`,
      ).toBe(o.name);
    }
  });

  it("writes action paths in JD's `{id}:action` form, never the router's /@action", () => {
    expect(Object.keys(doc.paths).filter((p) => p.includes('@'))).toEqual([]);
    expect(doc.paths['/v1/regions/{regionId}/instances/{instanceId}:stopInstance']?.put?.operationId).toBe(
      'stopInstance',
    );
    expect(doc.paths['/v1/regions/{regionId}/keypairs:import']?.put?.operationId).toBe('importKeypairs');
  });

  it('declares every path parameter as required', () => {
    for (const { path, op } of operations()) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), path).toEqual([...names].sort());
      expect(declared.every((p) => p.required === true)).toBe(true);
    }
  });

  it('carries compilable JSON schemas for request bodies and responses', () => {
    const ajv = new Ajv({ strict: false });
    for (const { op } of operations()) {
      const body = op.requestBody?.content['application/json']?.schema;
      if (body) expect(() => ajv.compile(body), `${op.operationId} body`).not.toThrow();
      const ok = op.responses['200']?.content?.['application/json']?.schema;
      expect(ok, `${op.operationId} 200 schema`).toBeDefined();
      expect(() => ajv.compile(ok!), `${op.operationId} 200`).not.toThrow();
    }
  });

  it('documents the filters an operation accepts', () => {
    const op = doc.paths['/v1/regions/{regionId}/instances']?.get as OpenApiOperation & {
      description?: string;
    };
    expect(op.description).toContain('filters.N.name (one of instanceId, status)');
  });

  it('leaves the operator endpoints out of the API description', () => {
    for (const p of ['/metrics', '/healthz', '/readyz', '/openapi.json'])
      expect(doc.paths).not.toHaveProperty(p);
  });

  it('serves browsable docs at /docs without signing', async () => {
    const res = await fetch(`http://${s.host}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('swagger-ui');
    const css = await fetch(`http://${s.host}/docs/static/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect((await css.text()).length).toBeGreaterThan(1000);
  });

  it('gives the docs page the same document, in JD path form', async () => {
    const res = await fetch(`http://${s.host}/docs/json`);
    const viaDocs = (await res.json()) as OpenApiDoc;
    expect(Object.keys(viaDocs.paths).sort()).toEqual(Object.keys(doc.paths).sort());
  });
});
