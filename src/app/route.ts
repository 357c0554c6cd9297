import { LinkError, parseLink, type ParsedLink } from '../link/parse-link.js';

/** The screen a URL opens. */
export type Route =
  | { readonly name: 'home' }
  | { readonly name: 'setup' }
  | { readonly name: 'link'; readonly link: ParsedLink }
  | { readonly name: 'bad-link'; readonly error: LinkError };

/** Paths that carry an Activate URL: `/activate` and Swivel's three `/smc/...` forms. */
export function isLinkPath(pathname: string): boolean {
  const path = pathname.toLowerCase();
  return (
    path === '/activate' ||
    path.startsWith('/activate/') ||
    path.startsWith('/smc/')
  );
}

/** Chooses the screen for a URL of this app. */
export function routeFor(url: URL): Route {
  if (isLinkPath(url.pathname)) {
    try {
      return { name: 'link', link: parseLink(url.href) };
    } catch (error) {
      if (error instanceof LinkError) return { name: 'bad-link', error };
      throw error;
    }
  }
  if (url.pathname === '/setup') return { name: 'setup' };
  // `/codes` is the manifest shortcut to the codes screen.
  return { name: 'home' };
}
