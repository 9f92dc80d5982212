import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalUri, collapseSlashes } from '../../src/auth/canonical.js';
import { signRequest } from '../../src/auth/sign.js';
import { type ReceivedRequest, parseAuthorization, signatureMatches } from '../../src/auth/verify.js';

/**
 * The canonical URI of paths with `//`, empty segments and encoded characters, as each official
 * SDK signs it (docs/decisions.md, "Signatures over paths with `//`"):
 *  - JS (jdcloud-sdk-js 1.2.202, src/lib/signers/v2.js canonicalString: `this.request.path`, the
 *    path built by request.js buildPath + util.uriEscapePath) signs the path as sent;
 *  - Go (core/Signer.go getURIPath: `u.EscapedPath()` of the path ParameterBuilder.go encodeUrl
 *    built with EscapePath(path, false)) signs the path as sent;
 *  - Python (jdcloud_sdk/core/signer.py __build_canonical_uri) decodes the path, collapses runs
 *    of `/` and re-encodes it with quote(path, '/~').
 * The JS SDK's own signer runs in these tests; Python's and Go's path rules are reproduced below
 * from their source's behaviour, independently of src/auth.
 */

const require = createRequire(import.meta.url);

const SECRET = 'test-secret';
const AK = 'TESTAK';
const REGION = 'cn-east-tz1';

// ---- Python SDK path rules (behaviour of jdcloud_sdk/core/{parameterbuilder,signer}.py) ----

const ALWAYS_SAFE = /[A-Za-z0-9_.~-]/;

/** urllib.parse.quote(value, safe): UTF-8 bytes, unreserved and `safe` literal, else %XX. */
function pyQuote(value: string, safe: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out +=
      byte < 0x80 && (ALWAYS_SAFE.test(c) || safe.includes(c))
        ? c
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** urllib.parse.unquote_plus: `+` is a space, %XX are UTF-8 bytes (invalid → U+FFFD). */
function pyUnquotePlus(value: string): string {
  const bytes: number[] = [];
  const s = value.replace(/\+/g, ' ');
  for (let i = 0; i < s.length;) {
    if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The wire path the Python SDK sends: parameters substituted, then quote(url, safe='/:'). */
const pythonWirePath = (path: string): string => pyQuote(path, '/:');

/** The canonical URI the Python SDK signs: decode, `/+` → `/`, quote(path, '/~'). */
function pythonCanonicalUri(wirePath: string): string {
  const decoded = pyUnquotePlus(wirePath).replace(/\/+/g, '/');
  if (decoded === '') return '/';
  const encoded = pyQuote(decoded, '/~');
  return encoded.startsWith('/') ? encoded : `/${encoded}`;
}

// ---- Go SDK path rules (behaviour of core/ParameterBuilder.go encodeUrl and core/Signer.go) ----

/** EscapePath(path, false): unreserved and `/` literal, every other byte %XX; signed as sent. */
function goWirePath(path: string): string {
  let out = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    const c = String.fromCharCode(byte);
    out +=
      byte < 0x80 && (ALWAYS_SAFE.test(c) || c === '/')
        ? c
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// ---- Independent JDCLOUD3 signing, as the Python SDK signs (content-type;host only) ----

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const hmac = (k: string | Buffer, s: string) => createHmac('sha256', k).update(s).digest();

function pythonSign(
  method: string,
  wirePath: string,
  query: string,
  host: string,
  date: string,
  nonce: string,
) {
  const canonical = [
    method,
    pythonCanonicalUri(wirePath),
    query,
    `content-type:application/json\nhost:${host}\n`,
    'content-type;host',
    sha256(''),
  ].join('\n');
  const scope = `${date.slice(0, 8)}/${REGION}/edcps/jdcloud3_request`;
  const toSign = ['JDCLOUD3-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  let key = hmac(`JDCLOUD3${SECRET}`, date.slice(0, 8));
  for (const part of [REGION, 'edcps', 'jdcloud3_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return {
    'content-type': 'application/json',
    host,
    // Added by the Python SDK after signing: present, not signed.
    'x-jdcloud-date': date,
    'x-jdcloud-nonce': nonce,
    authorization: `JDCLOUD3-HMAC-SHA256 Credential=${AK}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
  };
}

function verifies(
  method: string,
  rawPath: string,
  rawQuery: string,
  headers: Record<string, string>,
): boolean {
  const auth = parseAuthorization(headers.authorization);
  if (typeof auth === 'string') throw new Error(auth);
  const req: ReceivedRequest = { method, rawPath, rawQuery, headers, body: '' };
  return signatureMatches(auth, req, SECRET);
}

describe('collapseSlashes', () => {
  it('makes every run of slashes one slash and keeps a trailing slash', () => {
    expect(collapseSlashes('//v1/regions//r///instances/')).toBe('/v1/regions/r/instances/');
  });

  it('leaves encoded slashes alone', () => {
    expect(collapseSlashes('/v1/a%2F%2Fb/%2F')).toBe('/v1/a%2F%2Fb/%2F');
  });
});

describe('canonicalUri of unusual paths (the as-sent form)', () => {
  it('keeps empty segments', () => {
    expect(canonicalUri('/v1/regions/r/instances//availablePrivateIps')).toBe(
      '/v1/regions/r/instances//availablePrivateIps',
    );
    expect(canonicalUri('/v1/regions/r/instances/')).toBe('/v1/regions/r/instances/');
  });

  it('keeps an encoded slash inside its segment', () => {
    expect(canonicalUri('/v1/regions/r/instances/a%2fb')).toBe('/v1/regions/r/instances/a%2Fb');
  });

  it('encodes a raw colon and a space, and normalises hex case', () => {
    expect(canonicalUri('/v1/regions/r/instances/x:stopInstance')).toBe(
      '/v1/regions/r/instances/x%3AstopInstance',
    );
    expect(canonicalUri('/v1/regions/r/instances/%20%3a')).toBe('/v1/regions/r/instances/%20%3A');
  });
});

describe('every SDK path rule reproduced', () => {
  // Paths as the SDKs build them from their templates, including empty path parameters.
  const paths = [
    '/v1/regions/cn-east-tz1/instances/',
    '/v1/regions/cn-east-tz1/instances//availablePrivateIps',
    '/v1/regions//instances',
    '/v1/regions/cn-east-tz1/instances/:stopInstance',
    '/v1/regions/cn-east-tz1/instances/edcps-abc:stopInstance',
    "/v1/regions/cn-east-tz1/keypairs/名字 ~!*()'",
    '/v1/regions/cn-east-tz1/instances/a b+c%d',
  ];

  it.each(paths)('Python: canonicalUri(collapseSlashes(wire)) is what the SDK signs for %s', (path) => {
    const wire = pythonWirePath(path);
    expect(canonicalUri(collapseSlashes(wire))).toBe(pythonCanonicalUri(wire));
  });

  it.each(paths)(
    'Go: the wire path is already canonical, so the as-sent form is what it signs for %s',
    (path) => {
      const wire = goWirePath(path);
      expect(canonicalUri(wire)).toBe(wire);
    },
  );

  it('Python collapses // where JS and Go do not: the two forms differ only there', () => {
    const wire = '/v1/regions/cn-east-tz1/instances//availablePrivateIps';
    expect(pythonCanonicalUri(wire)).toBe('/v1/regions/cn-east-tz1/instances/availablePrivateIps');
    expect(canonicalUri(wire)).toBe(wire);
    expect(goWirePath(wire)).toBe(wire);
  });

  it('Python would decode %2F, which no SDK sends; the server never does (no crossing segments)', () => {
    expect(pythonCanonicalUri('/v1/regions/r/instances/a%2Fb')).toBe('/v1/regions/r/instances/a/b');
    expect(canonicalUri(collapseSlashes('/v1/regions/r/instances/a%2Fb'))).toBe(
      '/v1/regions/r/instances/a%2Fb',
    );
  });
});

describe('signatures over paths with // verify for every SDK', () => {
  type Captured = { method: string; url: string; headers: Record<string, string> };
  const core = require('jdcloud-sdk-js/src/lib/core') as {
    fetch: ((req: unknown) => Promise<unknown>) & { Response: new (body: string, init: object) => unknown };
    config: { logger: (s: string) => void };
  };
  const Edcps = require('jdcloud-sdk-js/src/repo/edcps/v1/edcps') as new (
    o: object,
  ) => Record<string, (p: object) => Promise<unknown>>;
  let realFetch: typeof core.fetch;
  let captured: Captured | undefined;

  beforeAll(() => {
    core.config.logger = () => undefined;
    realFetch = core.fetch;
    // The SDK's own request building and signing run unchanged; only the network is replaced.
    const fake = (req: {
      method: string;
      url: string;
      headers: { entries(): Iterable<[string, string]> };
    }) => {
      captured = { method: req.method, url: req.url, headers: Object.fromEntries(req.headers.entries()) };
      return Promise.resolve(
        new realFetch.Response('{"requestId":"x","result":{}}', {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
      );
    };
    core.fetch = Object.assign(fake, realFetch) as unknown as typeof core.fetch;
  });
  afterAll(() => {
    core.fetch = realFetch;
  });

  async function jsSdkRequest(
    op: string,
    params: object,
  ): Promise<{ method: string; path: string; query: string; headers: Record<string, string> }> {
    const client = new Edcps({
      credentials: { accessKeyId: AK, secretAccessKey: SECRET },
      endpoint: { host: 'edcps.example:8000', protocol: 'http' },
      regionId: REGION,
    });
    captured = undefined;
    await client[op](params);
    // Assigned by the fake fetch during the call (TypeScript cannot see that).
    const sent = captured as Captured | undefined;
    if (!sent) throw new Error('the SDK sent nothing');
    const u = new URL(sent.url);
    return { method: sent.method, path: u.pathname, query: u.search.slice(1), headers: sent.headers };
  }

  it('the JS SDK sends an empty path parameter as // and signs the path as sent', async () => {
    const r = await jsSdkRequest('describeAvailablePrivateIp', { instanceId: '', subnetId: 'subnet-1' });
    expect(r.path).toBe('/v1/regions/cn-east-tz1/instances//availablePrivateIps');
    expect(verifies(r.method, r.path, r.query, r.headers)).toBe(true);
  });

  it("the JS SDK's signature over // does not verify for the collapsed path", async () => {
    const r = await jsSdkRequest('describeAvailablePrivateIp', { instanceId: '', subnetId: 'subnet-1' });
    expect(verifies(r.method, collapseSlashes(r.path), r.query, r.headers)).toBe(false);
  });

  it('the JS SDK sends describeInstance with an empty id as a trailing slash', async () => {
    const r = await jsSdkRequest('describeInstance', { instanceId: '' });
    expect(r.path).toBe('/v1/regions/cn-east-tz1/instances/');
    expect(verifies(r.method, r.path, r.query, r.headers)).toBe(true);
    // A signature names its path: the same request does not verify as describeInstances.
    expect(verifies(r.method, '/v1/regions/cn-east-tz1/instances', r.query, r.headers)).toBe(false);
  });

  it('the JS SDK sends a / inside an id as a path separator, not %2F', async () => {
    const r = await jsSdkRequest('describeInstance', { instanceId: 'a/b c' });
    expect(r.path).toBe('/v1/regions/cn-east-tz1/instances/a/b%20c');
    expect(verifies(r.method, r.path, r.query, r.headers)).toBe(true);
  });

  it('a Python-style signature (collapsed path, JDCLOUD3) over // verifies for the path as sent', () => {
    const wire = pythonWirePath('/v1/regions/cn-east-tz1/instances//availablePrivateIps');
    const headers = pythonSign(
      'GET',
      wire,
      'subnetId=subnet-1',
      'edcps.example:8000',
      '20200506T080000Z',
      'n-1',
    );
    expect(verifies('GET', wire, 'subnetId=subnet-1', headers)).toBe(true);
  });

  it('a Python-style signature over a leading // (endpoint with a trailing slash) verifies', () => {
    const wire = '//v1/regions/cn-east-tz1/instances';
    const headers = pythonSign('GET', wire, '', 'edcps.example:8000', '20200506T080000Z', 'n-2');
    expect(verifies('GET', wire, '', headers)).toBe(true);
  });

  it('a signature over a path without // verifies the same whichever SDK made it', () => {
    const path = '/v1/regions/cn-east-tz1/instances/edcps-abc';
    const py = pythonSign('GET', path, '', 'h', '20200506T080000Z', 'n-3');
    const js = signRequest({
      method: 'GET',
      host: 'h',
      path,
      accessKeyId: AK,
      secretAccessKey: SECRET,
      region: REGION,
      time: Date.UTC(2020, 4, 6, 8),
      nonce: 'n-4',
    });
    expect(verifies('GET', path, '', py)).toBe(true);
    expect(verifies('GET', path, '', js)).toBe(true);
  });

  it('a collapsed-form signature never verifies for a path that differs in a non-empty segment', () => {
    const wire = '/v1/regions/cn-east-tz1/instances//availablePrivateIps';
    const headers = pythonSign('GET', wire, 'subnetId=subnet-1', 'h', '20200506T080000Z', 'n-5');
    for (const other of [
      '/v1/regions/cn-east-tz1/instances/x/availablePrivateIps',
      '/v1/regions/cn-east-tz1/instances/%2F/availablePrivateIps',
      '/v1/regions/cn-east-tz1/instances/%20/availablePrivateIps',
      '/v1/regions/cn-north-tz1/instances//availablePrivateIps',
    ]) {
      expect(verifies('GET', other, 'subnetId=subnet-1', headers)).toBe(false);
    }
  });
});
