import { useSyncExternalStore } from 'react';
import { ApiError, call, setUnauthenticatedHandler, type Credentials } from './api';

export interface WhoAmI {
  accountId: string;
  name: string;
  role: 'user' | 'operator' | string;
}

export interface SessionState {
  credentials: Credentials | null;
  whoami: WhoAmI | null;
  region: string;
  /** Why the last session ended (shown on the sign-in form). */
  message: string;
}

// sessionStorage only: the secret is scoped to this tab and gone when it closes. Never localStorage.
const KEY = 'edcps.console.session';

function load(): SessionState {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw) {
      const s = JSON.parse(raw) as Partial<SessionState>;
      if (s.credentials?.accessKeyId && s.credentials.secretAccessKey && s.whoami)
        return { credentials: s.credentials, whoami: s.whoami, region: s.region ?? '', message: '' };
    }
  } catch {
    // unreadable storage: start signed out
  }
  return { credentials: null, whoami: null, region: '', message: '' };
}

let state: SessionState = load();
const listeners = new Set<() => void>();

function set(next: SessionState): void {
  state = next;
  if (next.credentials)
    sessionStorage.setItem(
      KEY,
      JSON.stringify({ credentials: next.credentials, whoami: next.whoami, region: next.region }),
    );
  else sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

export const session = {
  get: (): SessionState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Checks the key with a signed whoami; throws ApiError (401 for a wrong secret). Changes nothing. */
  async check(credentials: Credentials): Promise<WhoAmI> {
    try {
      return await call<WhoAmI>(credentials, 'GET', '/edcps/v1/whoami', { region: 'jdcloud' }, true);
    } catch (e) {
      // A server older than whoami: check the key with a JD call, the role with an operator call.
      if (!(e instanceof ApiError && e.code === 404)) throw e;
      await call(credentials, 'GET', '/v1/edgeRegions', { region: 'jdcloud' }, true);
      const operator = await call(credentials, 'GET', '/admin/v1/time', { region: 'jdcloud' }, true).then(
        () => true,
        () => false,
      );
      return { accountId: '', name: credentials.accessKeyId, role: operator ? 'operator' : 'user' };
    }
  },
  /** Starts the session with a checked key (and the region to show first, if known). */
  establish(credentials: Credentials, whoami: WhoAmI, region?: string): void {
    set({ credentials, whoami, region: region ?? state.region, message: '' });
  },
  signOut(message = ''): void {
    set({ credentials: null, whoami: null, region: state.region, message });
  },
  setRegion(region: string): void {
    set({ ...state, region });
  },
};

setUnauthenticatedHandler((message) => {
  if (state.credentials) session.signOut(`Signed out: ${message}`);
});

export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.get);
}

export const isOperator = (s: SessionState): boolean => s.whoami?.role === 'operator';

/** The current credentials; pages only render while signed in. */
export function creds(): Credentials {
  if (!state.credentials) throw new ApiError(401, 'UNAUTHENTICATED', 'signed out');
  return state.credentials;
}
