import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { BmcError } from '../bmc.js';

export interface RedfishTransport {
  /** `https` (verified unless insecure) or `http`. */
  scheme: 'https' | 'http';
  host: string;
  port: number;
  /** PEM text of extra trusted CAs (EDCPS_BMC_CA_FILE), added to the system store. */
  extraCa: string | undefined;
  insecure: boolean;
  timeoutMs: number;
}

export interface RedfishResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

function networkError(bmc: string, e: NodeJS.ErrnoException): BmcError {
  const code = e.code ?? '';
  if (TLS_CODES.has(code) || /certificate|ssl|tls/i.test(e.message)) {
    return new BmcError(
      'tls',
      bmc,
      `TLS failed (${code || e.message}); trust its CA with EDCPS_BMC_CA_FILE, or enroll it with --bmc-insecure`,
    );
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND') {
    return new BmcError('unreachable', bmc, `unreachable (${code})`);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new BmcError('unreachable', bmc, `connection closed (${code})`);
  }
  return new BmcError('unreachable', bmc, `request failed (${code || e.message})`);
}

/**
 * One HTTP exchange with a Redfish service: JSON in and out, bounded by `timeoutMs`. Network,
 * TLS and timeout failures become BmcErrors; HTTP error statuses are returned for the caller.
 */
export function redfishRequest(
  t: RedfishTransport,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<RedfishResponse> {
  const bmc = `${t.host}:${t.port}`;
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const options: https.RequestOptions = {
    host: t.host,
    port: t.port,
    method,
    path,
    headers: {
      accept: 'application/json',
      'odata-version': '4.0',
      ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
      ...headers,
    },
    agent: false,
  };
  if (t.scheme === 'https') {
    options.rejectUnauthorized = !t.insecure;
    if (!t.insecure && t.extraCa) options.ca = [...tls.rootCertificates, t.extraCa];
    options.servername = /^[\d.]+$|:/.test(t.host) ? undefined : t.host;
  }
  return new Promise((resolve, reject) => {
    const req = (t.scheme === 'https' ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(networkError(bmc, e)));
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = undefined;
        if (text.trim() !== '') {
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new BmcError('timeout', bmc, `no answer within ${Math.round(t.timeoutMs / 1000)} s`));
    }, t.timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(networkError(bmc, e));
    });
    if (payload) req.write(payload);
    req.end();
  });
}

/** The message of a Redfish error body (`error.message` or its first extended info), if any. */
export function redfishErrorText(body: unknown): string {
  const err = (body as { error?: { message?: unknown; '@Message.ExtendedInfo'?: { Message?: unknown }[] } })
    ?.error;
  const extended = err?.['@Message.ExtendedInfo']?.[0]?.Message;
  const text = typeof extended === 'string' ? extended : typeof err?.message === 'string' ? err.message : '';
  return text.slice(0, 200);
}
