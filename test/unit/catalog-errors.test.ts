import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CatalogError, parseCatalog } from '../../src/domain/catalog/catalog-file.js';
import { resourcePath } from '../../src/resources.js';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const builtIn = (): Doc =>
  JSON.parse(fs.readFileSync(resourcePath('catalog', 'catalog.json'), 'utf8')) as Doc;

function refusal(change: (c: Doc) => void, source = 'site.json'): string {
  const c = builtIn();
  change(c);
  try {
    parseCatalog(JSON.stringify(c), source);
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogError);
    return (e as Error).message;
  }
  throw new Error('the catalog was accepted');
}

describe('catalog errors name the path, what was expected and what was found', () => {
  it('names a missing list of provisioning steps', () => {
    expect(refusal((c) => delete c.provisioning.create)).toBe(
      'catalog site.json: /provisioning/create: expected a non-empty array of steps {step, seconds}, found nothing',
    );
  });

  it('names an empty list where one entry is needed', () => {
    expect(refusal((c) => (c.provisioning.stop = []))).toBe(
      'catalog site.json: /provisioning/stop: expected a non-empty array of steps {step, seconds}, found an empty array',
    );
  });

  it('names a number below its minimum', () => {
    expect(refusal((c) => (c.provisioning.create[0].seconds = -1))).toBe(
      'catalog site.json: /provisioning/create/0/seconds: expected a number >= 0, found -1',
    );
  });

  it('names a value of the wrong type', () => {
    expect(refusal((c) => (c.regions[0].deviceTypes[0].soldOut = 'no'))).toBe(
      'catalog site.json: /regions/0/deviceTypes/0/soldOut: expected true or false, found "no"',
    );
  });

  it('lists the allowed values of a choice', () => {
    expect(refusal((c) => (c.raidTypes[0].volumeType = 'boot'))).toBe(
      'catalog site.json: /raidTypes/0/volumeType: expected one of "system", "data", found "boot"',
    );
  });

  it('names the pattern an id must match', () => {
    expect(refusal((c) => (c.osImages[0].osTypeId = 'o-1'))).toBe(
      'catalog site.json: /osImages/0/osTypeId: expected a string matching ^o-[a-z0-9]{28}$, found "o-1"',
    );
  });

  it('lists the allowed keys next to an unknown one', () => {
    expect(refusal((c) => (c.regions[0].azs[0].rack = 'r1'))).toBe(
      'catalog site.json: /regions/0/azs/0/rack: unexpected property (allowed: id, name)',
    );
  });

  it('says what the whole file should be when it is not an object', () => {
    try {
      parseCatalog('[1, 2]', 'site.json');
      throw new Error('accepted');
    } catch (e) {
      expect((e as Error).message).toBe(
        'catalog site.json: /: expected an object {$comment, cleaning, provisioning, osImages, raidTypes, regions}, found an array of 2',
      );
    }
  });
});
