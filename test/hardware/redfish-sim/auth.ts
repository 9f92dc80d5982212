import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SimSession {
  id: string;
  token: string;
  userName: string;
  created: string;
}

/** Which credentials a request carried, and whether they are valid. */
export interface AuthCheck {
  kind: 'basic' | 'session' | 'none';
  ok: boolean;
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/**
 * The one account and the SessionService sessions of a simulator. Sessions never expire:
 * tests that need a dead token delete the session.
 */
export class Accounts {
  private readonly sessions = new Map<string, SimSession>();
  private nextId = 1;

  constructor(
    readonly username: string,
    private readonly password: string,
  ) {}

  matches(user: string, password: string): boolean {
    // Both comparisons always run so the answer time does not tell which part was wrong.
    const u = same(user, this.username);
    const p = same(password, this.password);
    return u && p;
  }

  /** A new session, or undefined for wrong credentials. */
  login(user: string, password: string): SimSession | undefined {
    if (!this.matches(user, password)) return undefined;
    const session: SimSession = {
      id: `${this.nextId++}${randomBytes(4).toString('hex')}`,
      token: randomBytes(24).toString('hex'),
      userName: user,
      created: new Date().toISOString(),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  session(id: string): SimSession | undefined {
    return this.sessions.get(id);
  }

  list(): SimSession[] {
    return [...this.sessions.values()];
  }

  /** True when the session existed. */
  logout(id: string): boolean {
    return this.sessions.delete(id);
  }

  /**
   * X-Auth-Token takes precedence over Authorization: a client holding a session token is
   * judged by it alone, as BMCs do.
   */
  check(headers: IncomingHttpHeaders): AuthCheck {
    const token = headers['x-auth-token'];
    if (typeof token === 'string') {
      const ok = [...this.sessions.values()].some((s) => same(s.token, token));
      return { kind: 'session', ok };
    }
    const authz = headers.authorization;
    if (typeof authz === 'string' && /^basic /i.test(authz)) {
      const decoded = Buffer.from(authz.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const ok = colon >= 0 && this.matches(decoded.slice(0, colon), decoded.slice(colon + 1));
      return { kind: 'basic', ok };
    }
    return { kind: 'none', ok: false };
  }
}
