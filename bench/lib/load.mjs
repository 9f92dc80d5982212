/* global URL -- Node 20 global */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

/**
 * Closed-loop load with autocannon: `connections` clients, each sending its next request as
 * soon as the previous answer arrived, for `seconds`, after `warmupSeconds` of the same load
 * whose results are discarded. `path` is fixed, or `nextPath()` gives each request its own. Every request is built and signed in this process just before
 * it is sent (fresh nonce and date; `body()` may return a new clientToken each time), for the
 * bare-Fastify baseline too, so the client does the same work whichever server it talks to.
 *
 * A mix of requests: `next()` gives each request's `{ kind, method, path, query?, body? }`; the
 * result's `byKind` counts the requests of each kind sent during the measurement (the requests
 * still in flight at its end, at most one per connection, are among them).
 *
 * `cpuOf()` (optional): the server's CPU seconds so far; then `cpuUsPerRequest` is the server's
 * CPU time during the measurement per request answered in it (provisioning in process included).
 */
export async function measureLoad({
  url,
  method,
  path,
  nextPath,
  query = '',
  body,
  next,
  sign,
  /** Every answer must be a 4xx refusal (a load that measures a refusal path on purpose). */
  refused = false,
  connections = 10,
  seconds = 10,
  warmupSeconds = 3,
  cpuOf,
}) {
  const host = new URL(url).host;
  let byKind = {};
  const first = next ? next() : undefined;
  const request = {
    method: first?.method ?? method,
    path: first ? first.path : query ? `${path ?? nextPath()}?${query}` : (path ?? nextPath()),
    setupRequest: (req) => {
      if (next) {
        const r = next();
        byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
        const q = r.query ?? '';
        const payload = r.body ?? '';
        const headers = sign({ method: r.method, path: r.path, query: q, body: payload, host });
        const out = { ...req, method: r.method, path: q ? `${r.path}?${q}` : r.path, headers };
        if (payload) return { ...out, body: payload };
        delete out.body;
        return out;
      }
      // `nextPath` varies the target per request (describeInstance over many ids).
      const p = nextPath ? nextPath() : path;
      const payload = body ? body() : '';
      const headers = sign({ method, path: p, query, body: payload, host });
      const out = { ...req, path: query ? `${p}?${query}` : p, headers };
      return payload ? { ...out, body: payload } : out;
    },
  };
  const run = (duration) =>
    new Promise((resolve, reject) => {
      autocannon({ url, connections, duration, requests: [request], timeout: 30 }, (err, res) =>
        err ? reject(err) : resolve(res),
      );
    });
  const failures = (r) => (refused ? r.requests.total - r['4xx'] : r.non2xx + r.errors + r.timeouts);
  // A rate that includes refusals (stock or addresses running out, a bad signature) measures
  // the refusal path, not the operation: such a run is a bench error, not a figure.
  const check = (r, phase) => {
    if (failures(r) > 0)
      throw new Error(
        `${next ? 'mixed' : method} ${path ?? 'varying paths'} on ${url}: ${failures(r)} of ${r.requests.total} requests ${refused ? 'were not refused' : 'failed'} during the ${phase}`,
      );
  };
  if (warmupSeconds > 0) check(await run(warmupSeconds), 'warm-up');
  byKind = {};
  const cpuBefore = cpuOf?.();
  const r = await run(seconds);
  const cpuSeconds = cpuOf === undefined ? undefined : cpuOf() - cpuBefore;
  check(r, 'measurement');
  return {
    ...(next ? { byKind, seconds } : {}),
    requests: r.requests.total,
    rps: r.requests.total / seconds,
    latencyMeanMs: r.latency.average,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    ...(cpuSeconds === undefined ? {} : { cpuUsPerRequest: (cpuSeconds * 1e6) / r.requests.total }),
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
