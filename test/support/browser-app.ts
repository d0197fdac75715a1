/** A listening app on the embedded stack (PGlite + local disk) with Debian's Chromium beside it: what a browser test file starts. */
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp, type TestAppOptions } from './app-harness.js';
import { launchBrowser } from './browser.js';

export interface BrowserApp {
  readonly t: TestApp;
  readonly browser: Browser;
  /** The app's http://127.0.0.1:port. */
  readonly base: string;
  close(): Promise<void>;
}

export async function startBrowserApp(options: TestAppOptions = {}): Promise<BrowserApp> {
  const t = await startTestApp('pglite+local', { ...options, listen: true });
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await t.close();
    throw err;
  }
  return {
    t,
    browser,
    base: t.baseUrl!,
    close: async () => {
      await browser.close();
      await t.close();
    },
  };
}
