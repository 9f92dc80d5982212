import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleServer,
  NO_CHROMIUM,
  VIEWPORT,
  expectAccessible,
  expectNoPageErrors,
  launchBrowser,
  screenshot,
  startConsoleServer,
  watch,
} from './harness.js';

/** /docs (Swagger UI): "Try it out" signs its requests in the page, or says why it did not send. */
describe.skipIf(NO_CHROMIUM)('/docs in Chromium', { timeout: 90_000 }, () => {
  let browser: Browser;
  let server: ConsoleServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startConsoleServer({ timeScale: 0 })]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function openDocs(): Promise<{ page: Page; w: ReturnType<typeof watch> }> {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const w = watch(page);
    const res = await page.goto(`${server.url}/docs`);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    await page.getByRole('heading', { name: 'Try it out: credentials' }).waitFor();
    await page.locator('.opblock').first().waitFor();
    return { page, w };
  }

  /** Opens describeEdCPSRegions, presses "Try it out" then "Execute"; returns its response area. */
  async function execute(page: Page) {
    const op = page.locator('[id$="-describeEdCPSRegions"]');
    await op.locator('.opblock-summary').first().click();
    await op.getByRole('button', { name: 'Try it out' }).click();
    await op.getByRole('button', { name: 'Execute' }).click();
    return op.locator('.responses-wrapper');
  }

  it('signs "Try it out" with the key entered on the page and shows the 200 result', async () => {
    const { page, w } = await openDocs();
    await page.getByLabel('Access key ID').fill(server.user.accessKeyId);
    await page.getByLabel('Secret access key').fill(server.user.secretAccessKey);
    await page.getByRole('button', { name: 'Use these credentials' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain(server.user.accessKeyId);
    // The secret leaves the form once taken: it lives in the script's memory only.
    expect(await page.getByLabel('Secret access key').inputValue()).toBe('');
    const storage = 'JSON.stringify({ ...sessionStorage, ...localStorage, cookie: document.cookie })';
    expect(await page.evaluate<string>(storage)).not.toContain(server.user.secretAccessKey);
    await screenshot(page, 'docs-credentials');
    const responses = await execute(page);
    const live = responses.locator('.live-responses-table .response');
    await live.waitFor();
    await expect.poll(() => live.locator('.response-col_status').textContent()).toContain('200');
    expect(await live.locator('.response-col_description').textContent()).toMatch(/"regions"/);
    await live.scrollIntoViewIfNeeded();
    await screenshot(page, 'docs-try-it-out');
    // Swagger UI's own markup has violations we do not control (docs/decisions.md); our form must not.
    await expectAccessible(page, '/docs credentials form', '#edcps-try-it-out');
    expectNoPageErrors(w);
    expect(w.network).toEqual([]);
    await page.close();
  });

  it('without credentials sends nothing and says where to enter them, never a bare 401', async () => {
    const { page, w } = await openDocs();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const responses = await execute(page);
    await expect.poll(() => responses.textContent()).toMatch(/Enter an access key ID and secret access key/);
    expect(await responses.textContent()).not.toMatch(/401|UNAUTHENTICATED/);
    expect(requests.filter((u) => u.includes('/v1/'))).toEqual([]);
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/Enter an access key ID/);
    await expectAccessible(page, '/docs credentials form (no credentials)', '#edcps-try-it-out');
    expectNoPageErrors(w);
    await page.close();
  });
});
