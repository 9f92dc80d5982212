import { useSyncExternalStore, type MouseEvent } from 'react';

/** The console's base path; client routes live below it and the server answers index.html. */
export const BASE = '/console';
const CHANGE = 'edcps:navigate';

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(CHANGE, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(CHANGE, listener);
  };
}

const current = (): string => {
  const p = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '/';
  return p === '' ? '/' : p;
};

/** The route below /console, e.g. `/instances/edcps-…`. */
export function useRoute(): string {
  return useSyncExternalStore(subscribe, current);
}

export function href(route: string): string {
  return `${BASE}${route}`;
}

export function navigate(route: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', href(route));
  else window.history.pushState(null, '', href(route));
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}

/** onClick for an `<a href>` that should navigate inside the app. */
export function linkTo(route: string) {
  return (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(route);
  };
}
