import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalRequest,
  computeSignature,
  sha256Hex,
  signingKey,
  stringToSign,
} from '../../src/auth/canonical.js';
import { signRequest } from '../../src/auth/sign.js';
import { checkRequestShape, parseAuthorization, signatureMatches } from '../../src/auth/verify.js';

describe('JDCLOUD2 signer (reference §a.7)', () => {
  it('reproduces the official documentation vector', () => {
    const canonical = canonicalRequest({
      method: 'POST',
      rawPath: '/v1/resource:action',
      rawQuery: 'p1=p1&p0=p0&o=%&u=u',
      headers: {
        'x-jdcloud-date': '20190214T104514Z',
        'x-jdcloud-nonce': 'testnonce',
        'x-my-header': 'test',
        'x-my-header_blank': ' blank',
      },
      signedHeaders: ['x-jdcloud-date', 'x-jdcloud-nonce', 'x-my-header', 'x-my-header_blank'],
      payloadHash: sha256Hex('body data'),
    });
    expect(canonical).toBe(
      [
        'POST',
        '/v1/resource%3Aaction',
        'o=%25&p0=p0&p1=p1&u=u',
        'x-jdcloud-date:20190214T104514Z',
        'x-jdcloud-nonce:testnonce',
        'x-my-header:test',
        'x-my-header_blank:blank',
        '',
        'x-jdcloud-date;x-jdcloud-nonce;x-my-header;x-my-header_blank',
        'e51832a118eeff7ad976d635b7d04538e362e4c21bd0f6253580b0a83a209074',
      ].join('\n'),
    );
    expect(sha256Hex(canonical)).toBe('fb2e317056269590681d091f8eb22272967c0b922b2deda887312215ea4eed4c');
    const key = signingKey('JDCLOUD2-HMAC-SHA256', 'TESTSK', '20190214', 'cn-north-1', 'test');
    expect(key.toString('hex')).toMatch(/^a4e50bcb.*3b7d$/);
    const sts = stringToSign(
      'JDCLOUD2-HMAC-SHA256',
      '20190214T104514Z',
      '20190214/cn-north-1/test/jdcloud2_request',
      canonical,
    );
    expect(computeSignature(key, sts)).toBe(
      '2a98f83c074e7bee260bfc8ef64f009c07595bd93f7f0c3f4e156bf6479ed9bf',
    );
  });

  const jsSdkHeaders = (host: string) => ({
    accept: 'application/json',
    'content-type': 'application/json',
    host,
    'x-jdcloud-date': '20200506T080000Z',
    'x-jdcloud-nonce': 'ed558a3b-9808-4edb-8597-187bda63a4f2',
  });
  const signed = ['accept', 'content-type', 'host', 'x-jdcloud-date', 'x-jdcloud-nonce'];

  function sign(method: string, rawPath: string, rawQuery: string, body: string) {
    const canonical = canonicalRequest({
      method,
      rawPath,
      rawQuery,
      headers: jsSdkHeaders('edcps.jdcloud-api.com'),
      signedHeaders: signed,
      payloadHash: sha256Hex(body),
    });
    const key = signingKey('JDCLOUD2-HMAC-SHA256', 'TESTSK', '20200506', 'cn-east-tz1', 'edcps');
    return {
      canonicalHash: sha256Hex(canonical),
      signature: computeSignature(
        key,
        stringToSign(
          'JDCLOUD2-HMAC-SHA256',
          '20200506T080000Z',
          '20200506/cn-east-tz1/edcps/jdcloud2_request',
          canonical,
        ),
      ),
    };
  }

  it('reproduces the JS SDK describeInstances vector (filters in the query)', () => {
    const r = sign(
      'GET',
      '/v1/regions/cn-east-tz1/instances',
      'pageNumber=1&filters.1.name=status&filters.1.values.1=running',
      '',
    );
    expect(r.canonicalHash).toBe('9d4d2751d20a6631e13214d451f0604c36580056d25af0a202acb516cd9d41eb');
    expect(r.signature).toBe('b6723bb8af6c48a68711e00c76472ee1401359faecac388bc365ba14b3b5049b');
  });

  it('reproduces the JS SDK stopInstance vector (colon sent as %3A)', () => {
    const body = '{"clientToken":"tok-1"}';
    expect(sha256Hex(body)).toBe('25186dba636860480f6e337d0b06302bcc56635011aef16f71f82b16f9e415df');
    const r = sign('PUT', '/v1/regions/cn-east-tz1/instances/edcps-abc%3AstopInstance', '', body);
    expect(r.canonicalHash).toBe('ea5e66286a4d1c335ae5ee9dfd9c59e7d78f0d154f6a4836a3eb1c09c9edf82d');
    expect(r.signature).toBe('6e28920076ae82fe9544e96f7b0fe7af6f623b66238c697dae31529ac82d71fe');
  });

  it('treats a raw colon and %3A in the path alike', () => {
    const a = sign('PUT', '/v1/regions/cn-east-tz1/instances/edcps-abc:stopInstance', '', '{}');
    const b = sign('PUT', '/v1/regions/cn-east-tz1/instances/edcps-abc%3astopInstance', '', '{}');
    expect(a.signature).toBe(b.signature);
  });

  it('sorts and re-encodes the query, decoding + as space', () => {
    expect(canonicalQuery('b=2&a=x+y&a=%2a&c=')).toBe('a=%2A&a=x%20y&b=2&c=');
  });
});

describe('verifier', () => {
  const base = {
    method: 'PUT',
    host: 'localhost:8000',
    path: '/v1/regions/cn-east-tz1/instances',
    body: '{"a":1}',
    accessKeyId: 'AK',
    secretAccessKey: 'SECRET-KEY',
    region: 'cn-east-tz1',
  };

  function received(
    headers: Record<string, string>,
    over: Partial<{ body: string; path: string; query: string }> = {},
  ) {
    return {
      method: 'PUT',
      rawPath: over.path ?? base.path,
      rawQuery: over.query ?? '',
      headers,
      body: over.body ?? base.body,
    };
  }

  for (const algorithm of ['JDCLOUD2-HMAC-SHA256', 'JDCLOUD3-HMAC-SHA256'] as const) {
    it(`accepts a correct ${algorithm} signature and rejects a tampered body`, () => {
      const h = signRequest({ ...base, algorithm });
      const auth = parseAuthorization(h.authorization);
      if (typeof auth === 'string') throw new Error(auth);
      expect(typeof checkRequestShape(auth, received(h))).toBe('number');
      expect(signatureMatches(auth, received(h), 'SECRET-KEY')).toBe(true);
      expect(signatureMatches(auth, received(h, { body: '{"a":2}' }), 'SECRET-KEY')).toBe(false);
      expect(signatureMatches(auth, received(h), 'OTHER-SECRET')).toBe(false);
    });
  }

  it('rejects mismatched algorithm and terminator', () => {
    const h = signRequest(base);
    expect(parseAuthorization(h.authorization.replace('jdcloud2_request', 'jdcloud3_request'))).toBe(
      'algorithm and scope terminator disagree',
    );
  });

  it('rejects another service in the scope', () => {
    const h = signRequest({ ...base, service: 'vm' });
    expect(parseAuthorization(h.authorization)).toBe('wrong service in credential scope');
  });

  it('rejects a date that disagrees with the scope', () => {
    const h = signRequest(base);
    const auth = parseAuthorization(h.authorization);
    if (typeof auth === 'string') throw new Error(auth);
    expect(checkRequestShape(auth, received({ ...h, 'x-jdcloud-date': '19990101T000000Z' }))).toBe(
      'x-jdcloud-date does not match the credential scope date',
    );
  });
});
