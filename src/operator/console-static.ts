import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { failure } from '../api/envelope.js';
import { routeNotFound } from '../domain/errors.js';
import { PACKAGE_ROOT } from '../resources.js';

/** Where `npm run build` (vite build) puts the console. */
export const CONSOLE_DIR = path.join(PACKAGE_ROOT, 'dist', 'console');

/**
 * The console's Content-Security-Policy. No inline script or style: Vite emits external files only,
 * and React sets `style` props through the CSSOM, which `style-src 'self'` allows. `blob:` is not
 * needed for the key-pair download: an `<a download href="blob:…">` is a navigation, not a fetch.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>edcps console not built</title></head>
<body><main><h1>The web console is not built</h1>
<p>This server has no <code>dist/console</code>. Run <code>npm run build</code> in the package
directory (it builds the server and the console), then reload this page.</p></main></body></html>
`;

/**
 * Resolves a request path under the console root, or null when it would leave the root (`..`,
 * encoded or not, absolute paths, NUL bytes). The router has already percent-decoded `rel`.
 */
export function resolveConsolePath(root: string, rel: string): string | null {
  if (rel.includes('\0') || rel.includes('\\')) return null;
  const segments = rel.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const full = path.resolve(root, ...segments);
  return full === root || full.startsWith(root + path.sep) ? full : null;
}

async function readFileOrNull(file: string): Promise<Buffer | null> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return null;
    return await fs.readFile(file);
  } catch {
    return null;
  }
}

/**
 * Serves the built console at `/console/`: hashed assets with a year's cache, `index.html` (never
 * cached) for every client route, a 404 JD envelope for a missing asset, and a 503 page when the
 * console has not been built. Every answer carries the CSP and the other security headers.
 */
export function consoleStatic(root: string = CONSOLE_DIR) {
  return (app: FastifyInstance): void => {
    const send = (reply: FastifyReply, code: number, type: string, body: Buffer | string, cache: string) =>
      reply.code(code).headers(SECURITY_HEADERS).header('cache-control', cache).type(type).send(body);

    const serveIndex = async (reply: FastifyReply) => {
      const index = await readFileOrNull(path.join(root, 'index.html'));
      if (index === null) return send(reply, 503, CONTENT_TYPES['.html'], NOT_BUILT_PAGE, 'no-store');
      return send(reply, 200, CONTENT_TYPES['.html'], index, 'no-cache');
    };

    const handler = async (request: FastifyRequest<{ Params: { '*'?: string } }>, reply: FastifyReply) => {
      const rel = request.params['*'] ?? '';
      const last = rel.split('/').pop() ?? '';
      // A path whose last segment has no extension is a client route: the app decides what it shows.
      if (!last.includes('.') || last === 'index.html') return serveIndex(reply);
      const file = resolveConsolePath(root, rel);
      const body = file === null ? null : await readFileOrNull(file);
      if (file === null || body === null) {
        const notFound = failure(request.id, routeNotFound(request.method, request.url.split('?')[0]));
        return reply.code(404).headers(SECURITY_HEADERS).header('cache-control', 'no-store').send(notFound);
      }
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      const hashed = rel.startsWith('assets/');
      return send(reply, 200, type, body, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    };

    app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console/', 302));
    app.get('/console', { schema: { hide: true } }, (request, reply) =>
      request.url.split('?')[0].endsWith('/') ? serveIndex(reply) : reply.redirect('/console/', 301),
    );
    app.get('/console/*', { schema: { hide: true } }, handler);
  };
}
