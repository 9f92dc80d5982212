import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('defaults to 127.0.0.1:8000 with SQLite under ./data and time scale 1', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      timeScale: 1,
      timeMode: 'scaled',
      logLevel: 'info',
    });
    expect(c.databaseUrl).toMatch(/^sqlite:.*data\/edcps\.db$/);
  });

  const bad: [Record<string, string>, string][] = [
    [{ EDCPS_PORT: '70000' }, 'EDCPS_PORT must be an integer in [0, 65535], got "70000"'],
    [{ EDCPS_TIME_SCALE: '-1' }, 'EDCPS_TIME_SCALE must be a number in [0, 1000], got "-1"'],
    [{ EDCPS_TIME_MODE: 'warp' }, 'EDCPS_TIME_MODE must be "scaled" or "manual", got "warp"'],
    [
      { EDCPS_TIME_MODE: 'manual', EDCPS_TIME_SCALE: '0' },
      'EDCPS_TIME_MODE=manual needs EDCPS_TIME_SCALE above 0',
    ],
    [{ EDCPS_LOG_LEVEL: 'loud' }, 'EDCPS_LOG_LEVEL must be one of'],
    [{ EDCPS_ACCESS_KEY_ID: 'ABCD' }, 'EDCPS_ACCESS_KEY_ID and EDCPS_SECRET_ACCESS_KEY must be set together'],
    [{ EDCPS_MASTER_KEY: 'short' }, 'EDCPS_MASTER_KEY must be 32 bytes'],
    [{ EDCPS_DATABASE_URL: 'mysql://x' }, 'EDCPS_DATABASE_URL must be postgres://'],
  ];
  for (const [env, message] of bad) {
    it(`rejects ${JSON.stringify(env)} with one clear line`, () => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    });
  }
});
