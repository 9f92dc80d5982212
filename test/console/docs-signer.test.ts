import fs from 'node:fs';
import vm from 'node:vm';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { DOCS_CSP, registerOpenApi } from '../../src/operator/openapi.js';
import { signRequest as serverSign } from '../../src/auth/sign.js';
import { resourcePath } from '../../src/resources.js';

type Sign = (input: Record<string, unknown>) => Promise<Record<string, string>>;
type Intercept = (request: {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}) => Promise<{
  url: string;
  headers: Record<string, string>;
  userFetch?: () => Promise<unknown>;
}>;

/** Runs the served /docs script as a browser would (a classic script), with Node's Web Crypto. */
function loadDocsScript(): { signRequest: Sign; intercept: Intercept } {
  const context: Record<string, unknown> = { crypto: globalThis.crypto, TextEncoder, TextDecoder, URL };
  context.globalThis = context;
  vm.runInNewContext(fs.readFileSync(resourcePath('docs', 'try-it-out.js'), 'utf8'), context);
  return context.edcpsDocs as { signRequest: Sign; intercept: Intercept };
}

const base = {
  host: '127.0.0.1:8000',
  accessKeyId: 'AKDOCS0001',
  secretAccessKey: 'docs-secret-123',
  region: 'cn-east-tz1',
  time: Date.UTC(2026, 11, 7, 8, 30, 15),
  nonce: 'ed558a3b-9808-4edb-8597-187bda63a4f2',
};

const vectors: {
  name: string;
  method: string;
  path: string;
  query?: string;
  body?: string;
  region?: string;
}[] = [
  { name: 'a GET without query', method: 'GET', path: '/v1/regions/cn-east-tz1/instances' },
  {
    name: 'a GET with filters and paging',
    method: 'GET',
    path: '/v1/regions/cn-east-tz1/instances',
    query: 'pageNumber=2&pageSize=50&filters.1.name=status&filters.1.values.1=running',
  },
  {
    name: 'a query with spaces, reserved characters, unicode and a malformed escape',
    method: 'GET',
    path: '/v1/regions/cn-east-tz1/instances',
    query: `name=${encodeURIComponent("web (prod) * it's 服务器")}+x&bad=%zz%E6%9C&az=cn-east-tz1a`,
  },
  {
    name: 'an action path with a raw colon and a JSON body',
    method: 'POST',
    path: '/v1/regions/cn-east-tz1/instances/edcps-abc:stopInstance',
    body: '{"clientToken":"tok-1"}',
  },
  {
    name: 'a body with unicode text',
    method: 'POST',
    path: '/v1/regions/cn-east-tz1/instances',
    body: JSON.stringify({ instanceSpec: { name: '测试-server', description: 'émoji 🚀' } }),
  },
  { name: 'a region-less path', method: 'GET', path: '/v1/edgeRegions', region: 'jdcloud-api' },
  {
    name: 'an operator API action',
    method: 'POST',
    path: '/admin/v1/regions/cn-east-tz1/deviceTypes/edcps.c.normal2:soldOut',
    body: '{}',
  },
];

describe('the /docs "Try it out" signer', () => {
  const docs = loadDocsScript();

  for (const v of vectors) {
    it(`signs ${v.name} exactly like the server's signer`, async () => {
      const input = { ...base, ...v, headers: { 'content-type': 'application/json' } };
      const fromPage = await docs.signRequest(input);
      const fromServer = serverSign(input);
      expect(fromPage.authorization).toBe(fromServer.authorization);
      expect(fromPage['x-jdcloud-date']).toBe(fromServer['x-jdcloud-date']);
    });
  }

  it('signs without a content-type header when the request has none', async () => {
    const input = { ...base, method: 'GET', path: '/v1/regions/cn-east-tz1/vpcs' };
    const fromPage = await docs.signRequest(input);
    expect(fromPage.authorization).toMatch(/SignedHeaders=host;x-jdcloud-date;x-jdcloud-nonce,/);
  });

  for (const path of ['/v1/edgeRegions', '/edcps/v1/whoami', '/admin/v1/devices']) {
    it(`without credentials does not send ${path}: its fetch fails saying where to enter them`, async () => {
      const req = await docs.intercept({ url: `http://127.0.0.1:8000${path}`, method: 'GET', headers: {} });
      expect(req.headers).toEqual({});
      await expect(req.userFetch?.()).rejects.toThrow(
        /^Not sent: API requests must be signed\. Enter an access key ID and secret access key/,
      );
    });
  }

  it('leaves requests outside the signed APIs (the spec itself) untouched', async () => {
    const req = { url: 'http://127.0.0.1:8000/docs/json', method: 'GET', headers: {} };
    expect(await docs.intercept(req)).toBe(req);
  });
});

describe('/docs serves the signer under its own CSP', () => {
  it('loads try-it-out.js after Swagger UI, wires the interceptor and sends a CSP without inline scripts', async () => {
    const app = Fastify();
    await registerOpenApi(app, '0.0.0');
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe(DOCS_CSP);
    expect(DOCS_CSP).toMatch(/script-src 'self';/);
    expect(DOCS_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(page.body).toMatch(/swagger-initializer\.js[\s\S]*theme\/try-it-out\.js/);
    const script = await app.inject({ method: 'GET', url: '/docs/static/theme/try-it-out.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).toBe(fs.readFileSync(resourcePath('docs', 'try-it-out.js'), 'utf8'));
    const init = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(init.body).toMatch(
      /"requestInterceptor":function anonymous\(request\s*\) \{\s*return globalThis\.edcpsDocs/,
    );
    await app.close();
  });
});
