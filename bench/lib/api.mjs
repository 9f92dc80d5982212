/* global fetch, URL -- Node 20 globals */
/**
 * Signed JSON calls to an edcps server (setup and seeding), through the built package's signer:
 * `call(...)` gives the envelope's result, `call.text(...)` the response body as it came.
 * Both throw with the JD error on anything but 200.
 */
export function apiClient(signRequest, url, creds, region) {
  const host = new URL(url).host;
  async function send(method, path, { query = '', body } = {}) {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const wirePath = `/v1${path}`;
    const headers = signRequest({
      method,
      host,
      path: wirePath,
      query,
      body: payload,
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      region,
    });
    const res = await fetch(`${url}${wirePath}${query ? `?${query}` : ''}`, {
      method,
      headers,
      body: payload || undefined,
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text;
  }
  const call = async (method, path, opts) => JSON.parse(await send(method, path, opts)).result;
  call.text = send;
  return call;
}
