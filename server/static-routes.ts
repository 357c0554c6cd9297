import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Cache policy of the files that Vite names by content hash. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Cache policy of every other file, so that a new build is seen at once. */
const REVALIDATE = 'no-cache';

/**
 * Paths that open the app even when the request does not accept HTML: the
 * app's own pages and the Activate links that Swivel sends by email.
 */
const APP_PATHS = ['/', '/activate', '/setup'] as const;
const APP_PATH_PREFIXES = [
  '/smc/complete',
  '/smc/getsettings',
  '/smc/provision',
] as const;

/** Path prefixes of the APIs, which never fall back to the app. */
const API_PATH_PREFIXES = ['/admin', '/ssdserver'] as const;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Web app not built</title></head>
<body>
<h1>The web app is not built</h1>
<p>The server found no index.html in its static folder. Run <code>npm run build</code>, then restart the server.</p>
</body>
</html>
`;

/**
 * Registers the built web app from `staticDir` with its cache headers, and a
 * not-found handler that serves `index.html` for app navigations.
 *
 * When `staticDir` has no `index.html` at startup, app navigations get a 503
 * page that asks the user to run `npm run build`, and the APIs still work.
 */
export async function staticRoutes(
  app: FastifyInstance,
  staticDir: string,
): Promise<void> {
  const built = existsSync(join(staticDir, 'index.html'));
  if (!built) {
    app.log.warn(
      { staticDir },
      'index.html not found in the static folder: the web app answers 503 until you run npm run build and restart',
    );
  } else {
    await app.register(fastifyStatic, {
      root: staticDir,
      cacheControl: false,
      allowedPath: (pathname) => !isApiPath(pathname),
      setHeaders: (reply, path) => {
        reply.header('cache-control', cachePolicy(staticDir, path));
      },
    });
    // Activate links always open the app, even when a segment contains
    // something no file name can, such as `%00` or thousands of characters.
    const sendApp = (_request: FastifyRequest, reply: FastifyReply) =>
      reply
        .code(200)
        .header('cache-control', REVALIDATE)
        .sendFile('index.html');
    for (const path of ['/smc/*', '/activate', '/activate/*']) {
      app.get(path, sendApp);
    }
  }

  app.setNotFoundHandler((request, reply) => {
    if (!isAppNavigation(request)) return sendNotFound(reply);
    if (!built) {
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', REVALIDATE)
        .send(NOT_BUILT_PAGE);
    }
    return reply.code(200).sendFile('index.html');
  });
}

function cachePolicy(staticDir: string, filePath: string): string {
  const [topFolder] = relative(staticDir, filePath).split(sep);
  return topFolder === 'assets' ? IMMUTABLE : REVALIDATE;
}

/**
 * Returns whether a request should get the app's `index.html`: a GET or HEAD
 * for an app path, or any other GET or HEAD that accepts HTML, except under
 * the API paths.
 */
function isAppNavigation(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const pathname = request.url.split('?', 1)[0] ?? '/';
  if (isApiPath(pathname)) return false;
  if (isAppPath(pathname)) return true;
  const accept = request.headers.accept ?? '';
  return accept.toLowerCase().includes('text/html');
}

function isAppPath(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return (
    (APP_PATHS as readonly string[]).includes(path) ||
    APP_PATH_PREFIXES.some((prefix) => isUnder(path, prefix))
  );
}

function isApiPath(pathname: string): boolean {
  return (
    API_PATH_PREFIXES.some((prefix) => isUnder(pathname, prefix)) ||
    pathname.endsWith('/AgentXML')
  );
}

function isUnder(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

function sendNotFound(reply: FastifyReply): FastifyReply {
  return reply
    .code(404)
    .send({ error: 'Not found: no page or API route has this path.' });
}
