/* global URL -- Node 20 global */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

/**
 * Closed-loop load with autocannon: `connections` clients, each sending its next request as
 * soon as the previous answer arrived, for `seconds`, after `warmupSeconds` of the same load
 * whose results are discarded. `path` is fixed, or `nextPath()` gives each request its own. Every request is built and signed in this process just before
 * it is sent (fresh nonce and date; `body()` may return a new clientToken each time), for the
 * bare-Fastify baseline too, so the client does the same work whichever server it talks to.
 */
export async function measureLoad({
  url,
  method,
  path,
  nextPath,
  query = '',
  body,
  sign,
  connections = 10,
  seconds = 10,
  warmupSeconds = 3,
}) {
  const request = {
    method,
    path: query ? `${path ?? nextPath()}?${query}` : (path ?? nextPath()),
    setupRequest: (req) => {
      // `nextPath` varies the target per request (describeInstance over many ids).
      const p = nextPath ? nextPath() : path;
      const payload = body ? body() : '';
      const headers = sign({ method, path: p, query, body: payload, host: new URL(url).host });
      const next = { ...req, path: query ? `${p}?${query}` : p, headers };
      return payload ? { ...next, body: payload } : next;
    },
  };
  const run = (duration) =>
    new Promise((resolve, reject) => {
      autocannon({ url, connections, duration, requests: [request], timeout: 30 }, (err, res) =>
        err ? reject(err) : resolve(res),
      );
    });
  const failures = (r) => r.non2xx + r.errors + r.timeouts;
  // A rate that includes refusals (stock or addresses running out, a bad signature) measures
  // the refusal path, not the operation: such a run is a bench error, not a figure.
  const check = (r, phase) => {
    if (failures(r) > 0)
      throw new Error(
        `${method} ${path ?? 'varying paths'} on ${url}: ${failures(r)} of ${r.requests.total} requests failed during the ${phase}`,
      );
  };
  if (warmupSeconds > 0) check(await run(warmupSeconds), 'warm-up');
  const r = await run(seconds);
  check(r, 'measurement');
  return {
    requests: r.requests.total,
    rps: r.requests.total / seconds,
    latencyMeanMs: r.latency.average,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
  };
}

/** A signer for the built package's signRequest with fixed credentials and region. */
export function signerFor(signRequest, creds, region) {
  return ({ method, path, query, body, host }) =>
    signRequest({
      method,
      host,
      path,
      query,
      body,
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      region,
      nonce: randomUUID(),
    });
}
