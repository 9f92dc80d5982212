/* global fetch, URL -- Node 20 globals */
/**
 * Signed JSON calls to an edcps server (setup and seeding), through the built package's signer.
 * Throws with the JD error on anything but 200.
 */
export function apiClient(signRequest, url, creds, region) {
  const host = new URL(url).host;
  return async function call(method, path, { query = '', body } = {}) {
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
    const json = await res.json();
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.error)}`);
    return json.result;
  };
}
