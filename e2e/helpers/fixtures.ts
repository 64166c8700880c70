/**
 * The Playwright `test` for editor specs: every page fails its test on any
 * console error or uncaught exception, and `shot` saves a named screenshot as
 * a test artifact (and, with BACKFLOW_SCREENSHOTS=1, into docs/screenshots/).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test as base, type Page, type TestInfo } from '@playwright/test';

/** Saves a screenshot of `page` as a test artifact (and into docs/screenshots/ when asked). */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  if (process.env.BACKFLOW_SCREENSHOTS === '1') {
    const dir = resolve('docs/screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: resolve(dir, `${name}.png`) });
  }
}

export interface EditorFixtures {
  /** Console errors and page errors seen so far; checked to be empty after each test. */
  consoleErrors: string[];
  shot: (name: string) => Promise<void>;
}

export const test = base.extend<EditorFixtures>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
    await use(errors);
    expect(errors, 'the page logged errors').toEqual([]);
  },
  shot: async ({ page }, use, testInfo) => {
    await use((name: string) => saveScreenshot(page, testInfo, name));
  },
});

export { expect, type Page };
