import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleServer,
  type Credentials,
  NO_CHROMIUM,
  VIEWPORT,
  ensureConsoleBuilt,
  expectAccessible,
  expectNoPageErrors,
  launchBrowser,
  screenshot,
  startConsoleServer,
  watch,
  type PageWatch,
} from './harness.js';

/**
 * The web console in Chromium against real servers (time scale 0, and a slower one): every flow
 * through the console's own controls, by their accessible names; no error in the browser console;
 * axe-core on every page.
 */

const TYPE = 'edcps.c.normal1';
const OTHER_TYPE = 'edcps.c.normal2';
/** Generous for a loaded 2-core CI machine; every wait is event-driven, none sleeps. */
const WAIT = { timeout: 20_000 };

interface Session {
  page: Page;
  w: PageWatch;
}

/** Waits until no spinner with a label (a loading page or list) is left. */
async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.getByRole('progressbar').count(), WAIT).toBe(0);
}

async function heading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor(WAIT);
  await settled(page);
}

async function signIn(page: Page, url: string, c: Credentials): Promise<void> {
  await page.goto(`${url}/console/`);
  await page.getByLabel('Access key ID').fill(c.accessKeyId);
  await page.getByLabel('Secret access key').fill(c.secretAccessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading(page, 'Instances');
}

async function nav(page: Page, name: string, title = name): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await heading(page, title);
}

/** Waits until the instance page reads "<id> — status <status>" (it polls while the status moves). */
async function waitForStatus(page: Page, id: string, status: string, timeout = 30_000): Promise<void> {
  await page
    .locator('p')
    .filter({ hasText: new RegExp(`${id}\\s*—\\s*status\\s*${status}\\s*$`) })
    .waitFor({ timeout });
}

/**
 * Goes through the create wizard (default subnet, no internet, random password) and presses
 * "Create"; the console then shows the new instance. Returns its id.
 */
async function createWithWizard(page: Page, name: string, checkA11y = false): Promise<string> {
  await page.getByRole('button', { name: 'Create instance' }).click();
  await heading(page, 'Create instance');
  const next = () => page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByLabel('Availability zone').selectOption({ index: 1 });
  if (checkA11y) await expectAccessible(page, 'create wizard: availability zone');
  await next();
  await page.getByRole('radio', { name: new RegExp(`\\(${TYPE.replace(/\./g, '\\.')}\\)`) }).check(WAIT);
  if (checkA11y) await expectAccessible(page, 'create wizard: device type');
  await next();
  await expect
    .poll(() => page.getByLabel('Operating system').locator('option').count(), WAIT)
    .toBeGreaterThan(1);
  await page.getByLabel('Operating system').selectOption({ index: 1 });
  await next();
  await expect
    .poll(() => page.getByLabel('System disk RAID').locator('option').count(), WAIT)
    .toBeGreaterThan(1);
  await page.getByLabel('System disk RAID').selectOption({ index: 1 });
  await page.getByLabel('Data disk RAID').selectOption({ index: 1 });
  await next(); // network: the default subnet
  if (checkA11y) await expectAccessible(page, 'create wizard: network');
  await next();
  await page.getByRole('checkbox', { name: /Public internet access/ }).uncheck();
  await next(); // login: a random password
  if (checkA11y) await expectAccessible(page, 'create wizard: login');
  await next();
  await page.getByLabel('Instance name').fill(name);
  await next();
  await page.getByRole('heading', { name: 'Review' }).waitFor(WAIT);
  if (checkA11y) {
    await expectAccessible(page, 'create wizard: review');
    await screenshot(page, 'console-create-instance');
  }
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(/\/console\/instances\/edcps-[a-z0-9]+$/, WAIT);
  return page.url().split('/').pop() as string;
}

/** Presses an action button on the instance page and confirms it in its dialog. */
async function act(page: Page, action: 'Start' | 'Stop' | 'Restart' | 'Delete'): Promise<void> {
  await page.getByRole('button', { name: action, exact: true }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor(WAIT);
  await dialog.getByRole('button', { name: action, exact: true }).click();
  await dialog.waitFor({ state: 'detached', ...WAIT });
}

describe.skipIf(NO_CHROMIUM)('the web console in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(): Promise<Session> {
    const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    return { page, w: watch(page) };
  }
  async function close(s: Session): Promise<void> {
    expectNoPageErrors(s.w);
    await s.page.context().close();
  }

  describe('at time scale 0', () => {
    let server: ConsoleServer;
    beforeAll(async () => {
      server = await startConsoleServer({ timeScale: 0 });
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('refuses a wrong secret with a message and signs in with the right one', async () => {
      const { page, w } = await open();
      await page.goto(`${server.url}/console/`);
      await page.getByLabel('Access key ID').waitFor();
      await expectAccessible(page, 'sign-in');
      await screenshot(page, 'console-sign-in');
      await page.getByLabel('Access key ID').fill(server.user.accessKeyId);
      await page.getByLabel('Secret access key').fill('not-the-secret-at-all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor(WAIT);
      expect(await alert.textContent()).toMatch(/Sign-in failed/);
      await expectAccessible(page, 'sign-in with an error');
      expect(w.network.join('\n')).toMatch(/status of 401/);
      await page.getByLabel('Secret access key').fill(server.user.secretAccessKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await heading(page, 'Instances');
      await expectAccessible(page, 'instances (empty)');
      await close({ page, w });
    });

    it('creates an instance with the wizard, sees it running, stops it and deletes it', async () => {
      const s = await open();
      const { page } = s;
      await signIn(page, server.url, server.user);
      const id = await createWithWizard(page, 'web-console-1', true);
      await waitForStatus(page, id, 'running');
      await settled(page);
      await expectAccessible(page, 'instance detail');
      await screenshot(page, 'console-instance-detail');

      await nav(page, 'Instances');
      const row = page.getByRole('row').filter({ hasText: id });
      await expect.poll(() => row.textContent(), WAIT).toMatch(/running/);
      await expectAccessible(page, 'instances');
      await screenshot(page, 'console-instances');

      await row.getByRole('link', { name: id }).click();
      await waitForStatus(page, id, 'running');
      await act(page, 'Stop');
      await waitForStatus(page, id, 'stopped');
      await act(page, 'Delete');
      await heading(page, 'Instances');
      await expect.poll(() => page.getByRole('row').filter({ hasText: id }).count(), WAIT).toBe(0);
      await close(s);
    });

    it('creates a VPC and a subnet in it', async () => {
      const s = await open();
      const { page } = s;
      await signIn(page, server.url, server.user);
      await nav(page, 'VPCs and subnets');
      await expectAccessible(page, 'VPCs and subnets (empty)');

      await page.getByRole('button', { name: 'Create VPC' }).click();
      let dialog = page.getByRole('dialog');
      await dialog.getByLabel('VPC name').fill('console-vpc');
      await dialog.getByLabel('CIDR').fill('10.20.0.0/16');
      await expectAccessible(page, 'create VPC dialog');
      await dialog.getByRole('button', { name: 'Create', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      const vpcs = page.getByRole('grid', { name: 'VPCs' }).or(page.getByRole('table', { name: 'VPCs' }));
      await vpcs.getByRole('row').filter({ hasText: 'console-vpc' }).waitFor();

      await page.getByRole('button', { name: 'Create subnet' }).click();
      dialog = page.getByRole('dialog');
      await dialog.getByLabel(/^VPC\W*$/).selectOption({ label: 'console-vpc (10.20.0.0/16)' });
      await dialog.getByLabel('Availability zone').selectOption({ index: 1 });
      await dialog.getByLabel('Subnet name').fill('console-subnet');
      await dialog.getByLabel('CIDR').fill('10.20.1.0/24');
      await dialog.getByRole('button', { name: 'Create', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      const subnets = page
        .getByRole('grid', { name: 'Subnets' })
        .or(page.getByRole('table', { name: 'Subnets' }));
      const row = subnets.getByRole('row').filter({ hasText: 'console-subnet' });
      await row.waitFor();
      expect(await row.textContent()).toMatch(/10\.20\.1\.0\/24/);
      await settled(page);
      await expectAccessible(page, 'VPCs and subnets');
      await screenshot(page, 'console-networks');
      await close(s);
    });

    it('creates a key pair and downloads its private key', async () => {
      const s = await open();
      const { page } = s;
      await signIn(page, server.url, server.user);
      await nav(page, 'Key pairs');
      await page.getByRole('button', { name: 'Create key pair' }).click();
      let dialog = page.getByRole('dialog');
      await dialog.getByLabel('Key pair name').fill('console-key');
      await dialog.getByRole('button', { name: 'Create', exact: true }).click();
      dialog = page.getByRole('dialog', { name: /console-key created/ });
      await dialog.waitFor();
      await expectAccessible(page, 'private key dialog');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        dialog.getByRole('button', { name: 'Download private key' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('console-key.pem');
      const pem = fs.readFileSync(await download.path(), 'utf8');
      expect(pem).toMatch(/^-----BEGIN [A-Z ]*PRIVATE KEY-----\n[\s\S]+-----END [A-Z ]*PRIVATE KEY-----\n?$/);
      await close(s);
    });

    it('as an operator adds a device, marks a type sold out (the wizard refuses it) and sees a fault', async () => {
      const s = await open();
      const { page } = s;
      await signIn(page, server.url, server.operator);

      await nav(page, 'Fleet');
      await page.getByRole('button', { name: 'Add device' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Device type').fill(TYPE);
      await dialog.getByLabel('Serial').fill('SN-CONSOLE-0001');
      await expectAccessible(page, 'add device dialog');
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByRole('row').filter({ hasText: 'SN-CONSOLE-0001' }).first().waitFor();
      await settled(page);
      await expectAccessible(page, 'fleet');
      await screenshot(page, 'console-fleet');

      await nav(page, 'Device types');
      const typeRow = page.getByRole('row').filter({ hasText: OTHER_TYPE });
      await typeRow.getByRole('button', { name: /^Mark sold out/ }).click();
      await typeRow.getByRole('button', { name: /^Put on sale/ }).waitFor();
      await expectAccessible(page, 'device types');

      await nav(page, 'Instances');
      await page.getByRole('button', { name: 'Create instance' }).click();
      await heading(page, 'Create instance');
      await page.getByLabel('Availability zone').selectOption({ index: 1 });
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      const soldOut = page.getByRole('radio', {
        name: new RegExp(`\\(${OTHER_TYPE.replace(/\./g, '\\.')}\\)`),
      });
      await soldOut.waitFor();
      expect(await soldOut.isDisabled()).toBe(true);
      expect(await page.getByRole('row').filter({ has: soldOut }).textContent()).toMatch(/Sold out/);
      expect(
        await page.getByRole('radio', { name: new RegExp(TYPE.replace(/\./g, '\\.')) }).isEnabled(),
      ).toBe(true);

      await nav(page, 'Faults');
      await page.getByRole('button', { name: 'Add fault' }).click();
      const add = page.getByRole('dialog');
      await add.getByLabel('Operation').fill('describeInstances');
      await add.getByLabel('HTTP code').fill('503');
      await add.getByLabel('Error status').fill('UNAVAILABLE');
      await add.getByLabel('Message').fill('injected by the console test');
      await add.getByLabel('Times').fill('5'); // outlasts the console's retries of a 5xx
      await expectAccessible(page, 'add fault dialog');
      await add.getByRole('button', { name: 'Add', exact: true }).click();
      await add.waitFor({ state: 'detached' });
      await page.getByRole('row').filter({ hasText: 'describeInstances' }).waitFor();
      await expectAccessible(page, 'faults');

      await nav(page, 'Instances');
      await page.reload(); // the list fetched a moment ago is still fresh: ask again
      await page.getByText('injected by the console test').first().waitFor(WAIT);
      expect(await page.getByText('Could not list instances').count()).toBeGreaterThan(0);
      await expectAccessible(page, 'instances with an error');

      await nav(page, 'Faults');
      await page.getByRole('button', { name: 'Clear all faults' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Clear all' }).click();
      await page.getByText('No faults').waitFor();
      await close(s);
    });

    it('passes axe-core on every other page', async () => {
      const s = await open();
      const { page } = s;
      await signIn(page, server.url, server.operator);
      const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
      const names = (await links.allTextContents()).map((t) => t.trim());
      expect(names).toEqual(expect.arrayContaining(['Instances', 'Fleet', 'Faults']));
      for (const name of names) {
        await links.filter({ hasText: name }).first().click();
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await settled(page);
        await expectAccessible(page, `page "${name}"`);
      }
      await close(s);
    });
  });

  describe('at a slower time scale (0.1: creating takes about 6 s)', () => {
    let server: ConsoleServer;
    beforeAll(async () => {
      server = await startConsoleServer({ timeScale: 0.1 });
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('shows an instance creating, then running; stops it and deletes it', async () => {
      const s = await open();
      const { page } = s;
      await signIn(page, server.url, server.user);
      const id = await createWithWizard(page, 'web-console-slow');
      await waitForStatus(page, id, 'creating', 10_000);
      await page
        .getByText(/create: step \d of \d/)
        .first()
        .waitFor();
      await waitForStatus(page, id, 'running', 60_000);
      await act(page, 'Stop');
      await waitForStatus(page, id, 'stopped', 30_000);
      await act(page, 'Delete');
      await heading(page, 'Instances');
      await expect
        .poll(() => page.getByRole('row').filter({ hasText: id }).count(), { timeout: 30_000 })
        .toBe(0);
      await close(s);
    });
  });
});
