import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Algorithm } from '../../src/auth/canonical.js';
import { type SignInput, formatJdDate, signRequest } from '../../src/auth/sign.js';
import { REGION, type TestHarness, createHarness } from '../helpers/harness.js';

/**
 * The signature matrix (issue 7, security): every part a JDCLOUD2/JDCLOUD3 signature covers is
 * tampered with in turn, and each forgery must be a 401 UNAUTHENTICATED naming the failed check.
 * After every rejection the untampered original is sent and must succeed: that proves the
 * tampered part alone caused the rejection and that a forgery cannot burn the genuine nonce.
 */

const ALGORITHMS: Algorithm[] = ['JDCLOUD2-HMAC-SHA256', 'JDCLOUD3-HMAC-SHA256'];
const OTHER_REGION = 'cn-north-tz1';
const GET_PATH = `/v1/regions/${REGION}/deviceTypes`;
const GET_QUERY = 'az=cn-east-tz1a';
// A custom header the client chose to sign: tampering with it must break the signature too.
const EXTRA_HEADER = 'x-jdcloud-trace';

type Headers = Record<string, string>;

interface Wire {
  method: 'GET' | 'PUT';
  url: string;
  headers: Headers;
  payload?: string;
}

/** Rewrites one part of `Credential=AK/date/region/service/terminator` in an Authorization header. */
function rewriteScope(headers: Headers, part: 'ak' | 'date' | 'region' | 'service', value: string): Headers {
  const m = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/(jdcloud[23]_request)/.exec(
    headers.authorization,
  );
  if (!m) throw new Error(`unexpected authorization ${headers.authorization}`);
  const [, ak, date, region, service, terminator] = m;
  const next = { ak, date, region, service, [part]: value };
  return {
    ...headers,
    authorization: headers.authorization.replace(
      m[0],
      `Credential=${next.ak}/${next.date}/${next.region}/${next.service}/${terminator}`,
    ),
  };
}

function rewriteAuth(headers: Headers, from: RegExp, to: string): Headers {
  const authorization = headers.authorization.replace(from, to);
  if (authorization === headers.authorization) throw new Error(`${from} did not match the authorization`);
  return { ...headers, authorization };
}

/** Same day, different second: only the signature (not the scope-date check) can catch it. */
function shiftSecond(datetime: string): string {
  const s = Number(datetime.slice(13, 15));
  return `${datetime.slice(0, 13)}${String((s + 1) % 60).padStart(2, '0')}Z`;
}

describe.each(ALGORITHMS)('signature matrix with %s', (algorithm) => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  function sign(over: Partial<SignInput> = {}): Headers {
    return signRequest({
      method: 'GET',
      host: 'localhost',
      path: GET_PATH,
      query: GET_QUERY,
      accessKeyId: h.credentials.accessKeyId,
      secretAccessKey: h.credentials.secretAccessKey,
      region: REGION,
      algorithm,
      headers: { [EXTRA_HEADER]: 'trace-1' },
      ...over,
    });
  }

  const getWire = (headers: Headers, url = `${GET_PATH}?${GET_QUERY}`): Wire => ({
    method: 'GET',
    url,
    headers,
  });

  async function send(w: Wire) {
    return h.inject({ method: w.method, url: w.url, headers: w.headers, payload: w.payload });
  }

  async function expect401(w: Wire, message: string) {
    const res = await send(w);
    const body = res.json();
    expect(res.statusCode).toBe(401);
    expect(body.requestId).toMatch(/^[a-z0-9]{32}$/);
    expect(res.headers['x-jdcloud-request-id']).toBe(body.requestId);
    expect(body.error).toEqual({ code: 401, status: 'UNAUTHENTICATED', message });
    expect(body.result).toBeUndefined();
    // The expected signature (or any other 64-hex digest) never leaks into the answer.
    expect(res.body).not.toMatch(/[0-9a-f]{64}/);
  }

  async function expectAccepted(w: Wire) {
    const res = await send(w);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(res.headers['x-jdcloud-request-id']).toBe(body.requestId);
    expect(body.result).toBeDefined();
  }

  /** The forgery is rejected with `message`, then the genuine request still gets through. */
  async function rejectedThenOriginalAccepted(genuine: Wire, forged: Wire, message: string) {
    await expect401(forged, message);
    await expectAccepted(genuine);
  }

  it('accepts a correctly signed request', async () => {
    await expectAccepted(getWire(sign()));
  });

  it('accepts a correctly signed request without a query', async () => {
    await expectAccepted(getWire(sign({ query: '' }), GET_PATH));
  });

  it('accepts a request whose query parameters are sent in a different order', async () => {
    const headers = sign({ query: 'az=cn-east-tz1a&pageSize=10' });
    await expectAccepted(getWire(headers, `${GET_PATH}?pageSize=10&az=cn-east-tz1a`));
  });

  it('accepts an unsigned header added in transit', async () => {
    await expectAccepted(getWire({ ...sign(), 'x-forwarded-for': '10.9.9.9' }));
  });

  describe('each signed header tampered', () => {
    for (const name of ['content-type', 'host', 'x-jdcloud-nonce', EXTRA_HEADER]) {
      it(`rejects a tampered ${name} header`, async () => {
        const headers = sign();
        const value = name === 'content-type' ? 'text/plain' : `${headers[name]}x`;
        await rejectedThenOriginalAccepted(
          getWire(headers),
          getWire({ ...headers, [name]: value }),
          'signature does not match',
        );
      });
    }

    it('rejects a tampered x-jdcloud-date header (same day)', async () => {
      const headers = sign();
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire({ ...headers, 'x-jdcloud-date': shiftSecond(headers['x-jdcloud-date']) }),
        'signature does not match',
      );
    });

    it('rejects an x-jdcloud-date whose day differs from the credential scope', async () => {
      const headers = sign();
      const dayBefore = formatJdDate(Date.now() - 86_400_000);
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire({ ...headers, 'x-jdcloud-date': dayBefore }),
        'x-jdcloud-date does not match the credential scope date',
      );
    });

    it('rejects a credential scope date that differs from x-jdcloud-date', async () => {
      const headers = sign();
      const otherDay = formatJdDate(Date.now() - 86_400_000).slice(0, 8);
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(rewriteScope(headers, 'date', otherDay)),
        'x-jdcloud-date does not match the credential scope date',
      );
    });

    it('rejects a signed header that was removed in transit', async () => {
      const headers = sign();
      const forged = { ...headers };
      delete forged[EXTRA_HEADER];
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(forged),
        'signed header missing from request',
      );
    });

    it('rejects a header dropped from SignedHeaders', async () => {
      const headers = sign();
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(rewriteAuth(headers, /SignedHeaders=content-type;/, 'SignedHeaders=')),
        'signature does not match',
      );
    });

    it('rejects SignedHeaders that leave out host', async () => {
      const headers = sign();
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(rewriteAuth(headers, /;host;/, ';')),
        'host header is not signed',
      );
    });
  });

  describe('the request line and body tampered', () => {
    it('rejects a tampered path', async () => {
      const headers = sign();
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(headers, `/v1/regions/${REGION}/os?${GET_QUERY}`),
        'signature does not match',
      );
    });

    it('rejects a tampered method', async () => {
      const headers = sign({ method: 'DELETE' });
      const genuine = getWire(sign());
      await rejectedThenOriginalAccepted(genuine, getWire(headers), 'signature does not match');
    });

    it('rejects a tampered query value', async () => {
      const headers = sign();
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(headers, `${GET_PATH}?az=cn-east-tz1b`),
        'signature does not match',
      );
    });

    it('rejects a query parameter added in transit', async () => {
      const headers = sign();
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(headers, `${GET_PATH}?${GET_QUERY}&pageSize=5`),
        'signature does not match',
      );
    });

    it('rejects a query parameter removed in transit', async () => {
      const headers = sign();
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(headers, GET_PATH),
        'signature does not match',
      );
    });

    describe('body (createVpc)', () => {
      const PUT_PATH = `/v1/regions/${REGION}/vpcs`;
      const body = JSON.stringify({ vpcSpec: { name: 'signed', cidr: '10.0.0.0/16', description: '' } });
      const putWire = (headers: Headers, payload: string): Wire => ({
        method: 'PUT',
        url: PUT_PATH,
        headers,
        payload,
      });
      const signPut = (payload: string) =>
        sign({ method: 'PUT', path: PUT_PATH, query: '', body: payload, headers: {} });

      for (const [what, forged] of [
        ['a tampered body', body.replace('10.0.0.0/16', '10.1.0.0/16')],
        ['a body with a field added', body.replace('{"vpcSpec"', '{"x":1,"vpcSpec"')],
        ['a body with trailing whitespace added', `${body} `],
        ['an emptied body', ''],
      ] as const) {
        it(`rejects ${what}`, async () => {
          const headers = signPut(body);
          await expect401(putWire(headers, forged), 'signature does not match');
          // The genuine request is accepted: it creates the VPC.
          const res = await send(putWire(headers, body));
          expect(res.statusCode).toBe(200);
        });
      }

      it('rejects a body sent with a request signed without one', async () => {
        const headers = signPut('');
        await expect401(putWire(headers, body), 'signature does not match');
      });
    });

    it('rejects a signature with one hex digit changed', async () => {
      const headers = sign();
      const forged = headers.authorization.replace(/Signature=([0-9a-f])/, (_m, d: string) =>
        d === '0' ? 'Signature=1' : 'Signature=0',
      );
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire({ ...headers, authorization: forged }),
        'signature does not match',
      );
    });
  });

  describe('dates and nonces', () => {
    it('rejects a stale date (16 minutes old)', async () => {
      await expect401(
        getWire(sign({ time: Date.now() - 16 * 60_000 })),
        'x-jdcloud-date is outside the allowed window of ±900 seconds',
      );
    });

    it('rejects a future date (16 minutes ahead)', async () => {
      await expect401(
        getWire(sign({ time: Date.now() + 16 * 60_000 })),
        'x-jdcloud-date is outside the allowed window of ±900 seconds',
      );
    });

    it('accepts a date 14 minutes old, inside the window', async () => {
      await expectAccepted(getWire(sign({ time: Date.now() - 14 * 60_000 })));
    });

    it('accepts a date 14 minutes ahead, inside the window', async () => {
      await expectAccepted(getWire(sign({ time: Date.now() + 14 * 60_000 })));
    });

    it('rejects a malformed x-jdcloud-date', async () => {
      const headers = sign();
      await expect401(
        getWire({ ...headers, 'x-jdcloud-date': headers['x-jdcloud-date'].replace('T', ' ') }),
        'malformed x-jdcloud-date header',
      );
    });

    it('rejects a request without x-jdcloud-nonce', async () => {
      const headers = sign({ headers: {} });
      const forged = rewriteAuth(headers, /;x-jdcloud-nonce/, '');
      delete forged['x-jdcloud-nonce'];
      await expect401(getWire(forged), 'missing x-jdcloud-nonce header');
    });

    it('rejects a replayed request', async () => {
      const headers = sign();
      await expectAccepted(getWire(headers));
      await expect401(getWire(headers), 'nonce was already used (replayed request)');
    });

    it('rejects a replay even to another operation with a fresh signature on the same nonce', async () => {
      const nonce = randomUUID();
      await expectAccepted(getWire(sign({ nonce })));
      await expect401(
        getWire(sign({ nonce, path: `/v1/regions/${REGION}/os`, query: '' }), `/v1/regions/${REGION}/os`),
        'nonce was already used (replayed request)',
      );
    });

    it('rejects a replayed mutating request without repeating its effect', async () => {
      const path = `/v1/regions/${REGION}/vpcs`;
      const payload = JSON.stringify({
        vpcSpec: { name: 'replayed', cidr: '10.20.0.0/16', description: '' },
      });
      const headers = sign({ method: 'PUT', path, query: '', body: payload, headers: {} });
      const first = await send({ method: 'PUT', url: path, headers, payload });
      expect(first.statusCode).toBe(200);
      const before = await h.runtime.store.db.selectFrom('vpcs').select('id').execute();
      await expect401(
        { method: 'PUT', url: path, headers, payload },
        'nonce was already used (replayed request)',
      );
      const after = await h.runtime.store.db.selectFrom('vpcs').select('id').execute();
      expect(after).toEqual(before);
    });
  });

  describe('credential scope', () => {
    it('rejects a signature computed for one region but presented with another scope region', async () => {
      // The scope region is an input of the signing key: computed for REGION, claimed for OTHER_REGION.
      const headers = sign();
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(rewriteScope(headers, 'region', OTHER_REGION)),
        'signature does not match',
      );
    });

    it('rejects a wrong service in the scope', async () => {
      const headers = sign();
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(rewriteScope(headers, 'service', 'vm')),
        'wrong service in credential scope',
      );
    });

    it('rejects a signature computed for another service presented with the edcps scope', async () => {
      const headers = sign({ service: 'vm' });
      await expect401(getWire(rewriteScope(headers, 'service', 'edcps')), 'signature does not match');
    });

    it('rejects an access key id swapped for another account’s', async () => {
      const other = await h.newAccount();
      const headers = sign();
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(rewriteScope(headers, 'ak', other.accessKeyId)),
        'signature does not match',
      );
    });

    it('rejects an unknown access key id', async () => {
      await expect401(getWire(sign({ accessKeyId: 'NOSUCHKEY1' })), 'unknown or revoked access key');
    });

    it('rejects a wrong secret', async () => {
      await expect401(getWire(sign({ secretAccessKey: 'not-the-secret' })), 'signature does not match');
    });
  });

  describe('algorithm', () => {
    const other: Algorithm =
      algorithm === 'JDCLOUD2-HMAC-SHA256' ? 'JDCLOUD3-HMAC-SHA256' : 'JDCLOUD2-HMAC-SHA256';
    const prefix = (a: Algorithm) => a.slice(0, 'JDCLOUDn'.length);
    const terminator = (a: Algorithm) => `${prefix(a).toLowerCase()}_request`;

    it(`rejects the algorithm name relabelled as ${other}`, async () => {
      const headers = sign();
      const relabelled = rewriteAuth(
        rewriteAuth(headers, new RegExp(`^${algorithm}`), other),
        new RegExp(terminator(algorithm)),
        terminator(other),
      );
      await rejectedThenOriginalAccepted(getWire(headers), getWire(relabelled), 'signature does not match');
    });

    it('rejects an algorithm that disagrees with the scope terminator', async () => {
      const headers = sign();
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(rewriteAuth(headers, new RegExp(`^${algorithm}`), other)),
        'algorithm and scope terminator disagree',
      );
    });

    it('rejects an unknown algorithm', async () => {
      const headers = sign();
      await rejectedThenOriginalAccepted(
        getWire(headers),
        getWire(rewriteAuth(headers, new RegExp(`^${algorithm}`), 'JDCLOUD4-HMAC-SHA256')),
        'malformed authorization header',
      );
    });
  });
});
