import { describe, expect, it } from 'vitest';
import { ACTIONS, loadCatalogFile } from '../../src/domain/catalog/catalog-file.js';
import { INSTANCE_STATUSES, STATUS_LIST, TRANSITIONS, stepsOf } from '../../src/domain/instance/states.js';
import { resourcePath } from '../../src/resources.js';

/**
 * The transition table against reference §f.1 and DESIGN §3, written out here independently so
 * that a change to the table is a deliberate, reviewed change to this test as well.
 */
const EXPECTED = {
  create: { operation: 'createInstances', from: [], transitional: 'creating', end: 'running' },
  start: { operation: 'startInstance', from: ['stopped'], transitional: 'starting', end: 'running' },
  stop: { operation: 'stopInstance', from: ['running'], transitional: 'stopping', end: 'stopped' },
  restart: { operation: 'restartInstance', from: ['running'], transitional: 'restarting', end: 'running' },
  reinstall: {
    operation: 'reinstallInstance',
    from: ['stopped'],
    transitional: 'reinstalling',
    end: 'running',
  },
  resetPassword: {
    operation: 'resetPassword',
    from: ['stopped'],
    transitional: 'resetting_password',
    end: 'stopped',
  },
  delete: {
    operation: 'deleteInstance',
    from: ['running', 'stopped', 'error'],
    transitional: 'destroying',
    end: 'deleted',
  },
};

describe('transition table (startInstance, stopInstance, restartInstance, reinstallInstance, resetPassword, deleteInstance)', () => {
  it('lists the eleven statuses of reference §f.1', () => {
    expect(STATUS_LIST).toEqual([
      'creating',
      'starting',
      'running',
      'stopping',
      'stopped',
      'restarting',
      'reinstalling',
      'destroying',
      'error',
      'upgrading',
      'resetting_password',
    ]);
  });

  for (const action of ACTIONS) {
    it(`${action}: from, transitional and end status match the reference`, () => {
      expect(TRANSITIONS[action]).toEqual(EXPECTED[action]);
    });
  }

  it('uses only known statuses', () => {
    for (const t of Object.values(TRANSITIONS)) {
      for (const s of [...t.from, t.transitional]) expect(Object.keys(INSTANCE_STATUSES)).toContain(s);
      if (t.end !== 'deleted') expect(Object.keys(INSTANCE_STATUSES)).toContain(t.end);
    }
  });

  it('never starts an action from a transitional status (one action in flight at a time)', () => {
    const transitional = new Set(Object.values(TRANSITIONS).map((t) => t.transitional));
    for (const t of Object.values(TRANSITIONS))
      for (const s of t.from) expect(transitional.has(s)).toBe(false);
  });

  it('gives each action its own transitional status', () => {
    const all = Object.values(TRANSITIONS).map((t) => t.transitional);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('stepsOf', () => {
  const { catalog } = loadCatalogFile(resourcePath('catalog', 'catalog.json'));

  it('gives every action at least one step', () => {
    for (const action of ACTIONS) expect(stepsOf(catalog, action, 1).length).toBeGreaterThan(0);
  });

  it('makes every step immediate at time scale 0', () => {
    for (const action of ACTIONS) for (const s of stepsOf(catalog, action, 0)) expect(s.durationMs).toBe(0);
  });

  it('scales catalog seconds to milliseconds', () => {
    expect(stepsOf(catalog, 'restart', 0.5)).toEqual([
      { step: 'power-off', durationMs: 4000 },
      { step: 'power-on', durationMs: 5000 },
    ]);
  });

  it('powers off before wiping and releasing on delete, and installs before powering on on reinstall', () => {
    expect(stepsOf(catalog, 'delete', 1).map((s) => s.step)).toEqual(['power-off', 'wipe-disks', 'release']);
    expect(stepsOf(catalog, 'reinstall', 1).map((s) => s.step)).toEqual([
      'configure-raid',
      'install-os',
      'inject-credentials',
      'power-on',
    ]);
  });
});
