import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { CatalogError, loadCatalogFile, parseCatalog } from '../../src/domain/catalog/catalog-file.js';
import { resourcePath } from '../../src/resources.js';

/** Boot profiles in the catalog (issue 13): on an OS image (`boot`) and for cleaning. */

const BUILT_IN = resourcePath('catalog', 'catalog.json');
const SOURCE = 'netboot.json';

interface RawCatalog {
  osImages: Record<string, unknown>[];
  cleaning?: unknown;
  [key: string]: unknown;
}

const builtIn = (): RawCatalog => JSON.parse(fs.readFileSync(BUILT_IN, 'utf8')) as RawCatalog;

const PROFILE = {
  kernel: 'http://boot.example/debian/linux',
  initrd: ['http://boot.example/debian/initrd.gz', 'https://boot.example/firmware.cpio.gz'],
  args: 'auto=true priority=critical console=ttyS0',
  installTimeoutSeconds: 2400,
  iso: 'https://boot.example/debian.iso',
};

/** The built-in catalog with `profile` as the first OS image's boot profile. */
function withImageProfile(profile: Record<string, unknown>): string {
  const cat = builtIn();
  cat.osImages[0]!.boot = profile;
  return JSON.stringify(cat);
}

/** The error parseCatalog throws for `text` (fails the test when it accepts it). */
function refusal(text: string): CatalogError {
  try {
    parseCatalog(text, SOURCE);
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogError);
    return e as CatalogError;
  }
  throw new Error('the catalog was accepted');
}

describe('boot profiles in the catalog', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  function tempFile(name: string, text: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-catalog-'));
    dirs.push(dir);
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  it('accepts a boot profile on an OS image', () => {
    const cat = parseCatalog(withImageProfile(PROFILE), SOURCE);
    expect(cat.osImages[0]!.boot).toEqual(PROFILE);
  });

  it('accepts a boot profile with only kernel, initrds and args', () => {
    const minimal = { kernel: PROFILE.kernel, initrd: [], args: '' };
    expect(parseCatalog(withImageProfile(minimal), SOURCE).osImages[0]!.boot).toEqual(minimal);
  });

  it('accepts a cleaning profile', () => {
    const cat = builtIn();
    cat.cleaning = PROFILE;
    expect(parseCatalog(JSON.stringify(cat), SOURCE).cleaning).toEqual(PROFILE);
  });

  it('loads boot profiles from a YAML catalog file', () => {
    const cat = builtIn();
    cat.osImages[0]!.boot = PROFILE;
    cat.cleaning = PROFILE;
    const { catalog } = loadCatalogFile(tempFile('catalog.yaml', toYaml(cat)));
    expect({ boot: catalog.osImages[0]!.boot, cleaning: catalog.cleaning }).toEqual({
      boot: PROFILE,
      cleaning: PROFILE,
    });
  });

  it('refuses a kernel URL that is not http(s), naming its JSON path', () => {
    const e = refusal(withImageProfile({ ...PROFILE, kernel: 'tftp://boot.example/debian/linux' }));
    expect(e.message).toBe(
      `catalog ${SOURCE}: /osImages/0/boot/kernel: expected an absolute http(s) URL, found "tftp://boot.example/debian/linux"`,
    );
  });

  it('refuses a relative initrd, naming its JSON path', () => {
    const e = refusal(withImageProfile({ ...PROFILE, initrd: [PROFILE.initrd[0], 'debian/initrd.gz'] }));
    expect(e.message).toBe(
      `catalog ${SOURCE}: /osImages/0/boot/initrd/1: expected an absolute http(s) URL, found "debian/initrd.gz"`,
    );
  });

  it('refuses an unknown key in a profile, naming it', () => {
    const e = refusal(withImageProfile({ ...PROFILE, initramfs: PROFILE.initrd }));
    expect(e.message).toBe(
      `catalog ${SOURCE}: /osImages/0/boot/initramfs: unexpected property (allowed: kernel, initrd, args, installTimeoutSeconds, iso)`,
    );
  });

  it('refuses installTimeoutSeconds 0', () => {
    const e = refusal(withImageProfile({ ...PROFILE, installTimeoutSeconds: 0 }));
    expect(e.message).toBe(
      `catalog ${SOURCE}: /osImages/0/boot/installTimeoutSeconds: expected an integer >= 1 and <= 86400, found 0`,
    );
  });

  it('refuses a non-http(s) ISO URL in the cleaning profile', () => {
    const cat = builtIn();
    cat.cleaning = { ...PROFILE, iso: 'file:///srv/clean.iso' };
    const e = refusal(JSON.stringify(cat));
    expect(e.message).toBe(
      `catalog ${SOURCE}: /cleaning/iso: expected an absolute http(s) URL, found "file:///srv/clean.iso"`,
    );
  });

  it('refuses a cleaning kernel URL that matches the pattern but does not parse', () => {
    const cat = builtIn();
    cat.cleaning = { ...PROFILE, kernel: 'http://[::1/clean/linux' };
    const e = refusal(JSON.stringify(cat));
    expect(e.message).toBe(
      `catalog ${SOURCE}: /cleaning/kernel: "http://[::1/clean/linux" is not an absolute http(s) URL`,
    );
  });

  it('loads the built-in catalog, which has no boot profiles', () => {
    const { catalog } = loadCatalogFile(BUILT_IN);
    expect(catalog.osImages.length).toBeGreaterThan(0);
    expect(catalog.osImages.filter((o) => o.boot !== undefined)).toEqual([]);
    expect(catalog.cleaning).toBeUndefined();
  });

  it('refuses profile arguments that name a datasource of their own', () => {
    expect(refusal(withImageProfile({ ...PROFILE, args: 'auto=true ds=nocloud;s=http://x/' })).message).toBe(
      'catalog netboot.json: /osImages/0/boot/args: must not name a datasource (ds=…): edcps adds its own NoCloud seed',
    );
  });
});
