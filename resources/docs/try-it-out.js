/* global document, crypto, TextEncoder, TextDecoder, URL -- browser (and Node 20) globals */
// Served at /docs/static/theme/try-it-out.js after Swagger UI's own scripts. It makes /docs's
// "Try it out" send real, signed requests: the reader enters an access key ID and secret once in a
// small form at the top of the page; every /v1 request Swagger UI sends is then signed with
// JDCLOUD2-HMAC-SHA256 in the page (Web Crypto), exactly as the JS SDK and src/auth/sign.ts do.
// The secret lives only in this script's memory: never in storage, a cookie or the URL, and it is
// gone when the page is closed or reloaded. Plain JS (no build step); the signing half is DOM-free so
// test/console/docs-signer.test.ts runs it under Node and compares it with the server's signer.
(function () {
  'use strict';

  var ALGORITHM = 'JDCLOUD2-HMAC-SHA256';
  var EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  var encoder = new TextEncoder();

  function formatJdDate(ms) {
    return new Date(ms)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}Z$/, 'Z');
  }

  /** RFC 3986: only A-Z a-z 0-9 - _ . ~ stay literal; everything else %XX upper-case, UTF-8. */
  function uriEscape(value) {
    return encodeURIComponent(value.toWellFormed()).replace(/[!'()*]/g, function (c) {
      return '%' + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }

  /** Percent-decoding that keeps malformed escapes as literal text (like Node's querystring.unescape). */
  function lenientDecode(value) {
    try {
      return decodeURIComponent(value);
    } catch {
      return value.replace(/(?:%[0-9a-fA-F]{2})+/g, function (run) {
        var bytes = new Uint8Array(run.length / 3);
        for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
        return new TextDecoder().decode(bytes);
      });
    }
  }

  function canonicalUri(rawPath) {
    return rawPath
      .split('/')
      .map(function (segment) {
        return uriEscape(lenientDecode(segment));
      })
      .join('/');
  }

  function canonicalQuery(rawQuery) {
    if (rawQuery === '') return '';
    var pairs = [];
    rawQuery.split('&').forEach(function (part) {
      if (part === '') return;
      var eq = part.indexOf('=');
      var k = eq < 0 ? part : part.slice(0, eq);
      var v = eq < 0 ? '' : part.slice(eq + 1);
      pairs.push([
        uriEscape(lenientDecode(k.replace(/\+/g, ' '))),
        uriEscape(lenientDecode(v.replace(/\+/g, ' '))),
      ]);
    });
    pairs.sort(function (a, b) {
      return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
    });
    return pairs
      .map(function (p) {
        return p[0] + '=' + p[1];
      })
      .join('&');
  }

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), function (b) {
      return b.toString(16).padStart(2, '0');
    }).join('');
  }

  function sha256Hex(data) {
    return crypto.subtle.digest('SHA-256', encoder.encode(data)).then(hex);
  }

  function hmac(key, data) {
    return crypto.subtle
      .importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      .then(function (k) {
        return crypto.subtle.sign('HMAC', k, encoder.encode(data));
      });
  }

  /**
   * Signs one request. `input`: method, host, path (as on the wire), query (raw, no `?`), body,
   * headers (lower-case name → value, each signed besides host, x-jdcloud-date and x-jdcloud-nonce),
   * accessKeyId, secretAccessKey, region, service (default edcps), time (epoch ms), nonce.
   * Resolves to every header to send (lower-case names), `authorization` included.
   */
  async function signRequest(input) {
    var service = input.service || 'edcps';
    var datetime = formatJdDate(input.time === undefined ? Date.now() : input.time);
    var date = datetime.slice(0, 8);
    var headers = Object.assign({}, input.headers || {}, {
      host: input.host,
      'x-jdcloud-date': datetime,
      'x-jdcloud-nonce': input.nonce || crypto.randomUUID(),
    });
    var signedHeaders = Object.keys(headers).sort();
    var body = input.body || '';
    var canonical = [
      input.method.toUpperCase(),
      canonicalUri(input.path),
      canonicalQuery(input.query || ''),
      signedHeaders
        .map(function (h) {
          return h + ':' + String(headers[h]).replace(/\s+/g, ' ').trim();
        })
        .join('\n') + '\n',
      signedHeaders.join(';'),
      body === '' ? EMPTY_SHA256 : await sha256Hex(body),
    ].join('\n');
    var scope = date + '/' + input.region + '/' + service + '/jdcloud2_request';
    var toSign = [ALGORITHM, datetime, scope, await sha256Hex(canonical)].join('\n');
    var key = encoder.encode('JDCLOUD2' + input.secretAccessKey);
    var parts = [date, input.region, service, 'jdcloud2_request'];
    for (var i = 0; i < parts.length; i++) key = await hmac(key, parts[i]);
    var signature = hex(await hmac(key, toSign));
    headers.authorization =
      ALGORITHM +
      ' Credential=' +
      input.accessKeyId +
      '/' +
      scope +
      ', SignedHeaders=' +
      signedHeaders.join(';') +
      ', Signature=' +
      signature;
    return headers;
  }

  /** Every signed API this page documents: JD's /v1, the /edcps/v1 extensions, the operator API. */
  var SIGNED_PATH = /^\/(?:v1|edcps\/v1|admin\/v1)\//;

  var NOT_SIGNED =
    'Not sent: API requests must be signed. Enter an access key ID and secret access key in ' +
    '"Try it out: credentials" at the top of this page, or call the API with an official JD Cloud ' +
    'SDK or the edcps CLI.';

  /** Credentials entered on the page: this closure's memory only. */
  var credentials = null;

  /** The region of the credential scope: the path's regionId, else `jdcloud-api` (as the CLI does). */
  function regionOf(path) {
    var m = /^\/(?:edcps\/)?v1\/regions\/([^/]+)/.exec(path);
    return m ? decodeURIComponent(m[1]) : 'jdcloud-api';
  }

  /**
   * Swagger UI's requestInterceptor (it awaits a returned Promise): signs same-origin API requests
   * with the entered credentials. Without credentials the request is not sent: its response area
   * says why, so "Try it out" never shows a bare 401.
   */
  async function intercept(request) {
    var url = new URL(request.url, globalThis.location ? globalThis.location.href : undefined);
    var sameOrigin = !globalThis.location || url.origin === globalThis.location.origin;
    if (!sameOrigin || !SIGNED_PATH.test(url.pathname)) return request;
    if (!credentials) {
      // Refused in the fetch step, not here: Swagger UI records the (unsent) request only when
      // the interceptor resolves, and shows a fetch error as the response, with its message.
      showStatus('Enter an access key ID and secret access key above first.', true);
      request.userFetch = function () {
        return Promise.reject(new Error(NOT_SIGNED));
      };
      return request;
    }
    var given = request.headers || {};
    var extra = {};
    Object.keys(given).forEach(function (name) {
      var lower = name.toLowerCase();
      // Swagger UI's own apiKey "authorization" (if filled in the Authorize dialog) is replaced.
      if (lower === 'authorization' || lower === 'host' || /^x-jdcloud-(date|nonce)$/.test(lower)) return;
      if (lower === 'content-type') extra[lower] = given[name];
    });
    var body = typeof request.body === 'string' ? request.body : '';
    var signed = await signRequest({
      method: request.method || 'GET',
      host: url.host,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      body: body,
      headers: extra,
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      region: regionOf(url.pathname),
    });
    var out = {};
    Object.keys(given).forEach(function (name) {
      if (!/^(authorization|host|content-type|x-jdcloud-date|x-jdcloud-nonce)$/i.test(name))
        out[name] = given[name];
    });
    Object.keys(signed).forEach(function (name) {
      if (name !== 'host') out[name] = signed[name]; // the browser sends Host itself
    });
    request.headers = out;
    return request;
  }

  var statusEl = null;
  function showStatus(text, isError) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.className = 'edcps-tio-status' + (isError ? ' edcps-tio-error' : '');
  }

  function field(form, id, label, type, autocomplete) {
    var wrap = document.createElement('div');
    wrap.className = 'edcps-tio-field';
    var l = document.createElement('label');
    l.htmlFor = id;
    l.textContent = label;
    var input = document.createElement('input');
    input.id = id;
    input.type = type;
    input.autocomplete = autocomplete;
    input.spellcheck = false;
    wrap.appendChild(l);
    wrap.appendChild(input);
    form.appendChild(wrap);
    return input;
  }

  /** The credentials form, placed above Swagger UI's own markup. */
  function mountForm() {
    var host = document.getElementById('swagger-ui');
    if (!host || document.getElementById('edcps-try-it-out')) return;
    var section = document.createElement('section');
    section.id = 'edcps-try-it-out';
    section.setAttribute('aria-labelledby', 'edcps-tio-title');
    var title = document.createElement('h2');
    title.id = 'edcps-tio-title';
    title.textContent = 'Try it out: credentials';
    var note = document.createElement('p');
    note.textContent =
      'Every API request (/v1, /edcps/v1, /admin/v1) must be signed (JDCLOUD2-HMAC-SHA256). Enter an access key once: this page ' +
      'signs each "Try it out" request with it. The secret stays in this page\u2019s memory only ' +
      '(never stored or sent) and is forgotten on reload. Outside this page, call the API with an ' +
      'official JD Cloud SDK or the edcps CLI (edcps instances list).';
    var form = document.createElement('form');
    form.noValidate = true;
    var keyInput = field(form, 'edcps-tio-key', 'Access key ID', 'text', 'username');
    var secretInput = field(form, 'edcps-tio-secret', 'Secret access key', 'password', 'current-password');
    var use = document.createElement('button');
    use.type = 'submit';
    use.textContent = 'Use these credentials';
    var forget = document.createElement('button');
    forget.type = 'button';
    forget.textContent = 'Forget';
    form.appendChild(use);
    form.appendChild(forget);
    statusEl = document.createElement('p');
    statusEl.setAttribute('role', 'status');
    form.appendChild(statusEl);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var id = keyInput.value.trim();
      var secret = secretInput.value;
      if (id === '' || secret === '') {
        showStatus('Enter both the access key ID and the secret access key.', true);
        return;
      }
      credentials = { accessKeyId: id, secretAccessKey: secret };
      secretInput.value = '';
      showStatus('Signing "Try it out" requests as ' + id + '.', false);
    });
    forget.addEventListener('click', function () {
      credentials = null;
      keyInput.value = '';
      secretInput.value = '';
      showStatus('No credentials: "Try it out" requests are not sent.', false);
    });
    section.appendChild(title);
    section.appendChild(note);
    section.appendChild(form);
    host.parentNode.insertBefore(section, host);
    showStatus('No credentials yet: "Try it out" requests are not sent.', false);
  }

  globalThis.edcpsDocs = { signRequest: signRequest, intercept: intercept };
  if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountForm);
    else mountForm();
  }
})();
