/**
 * The tour's parts: the four ways a person sees the pages (desktop and phone, English and
 * Spanish), the checks every page state gets (a full-page screenshot, axe with zero
 * violations, no sideways scrolling on a phone, no English on a Spanish page) and a count of
 * the bytes a state transferred. test/http/pages-tour.browser.test.ts lists the states.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, CDPSession, Page } from 'playwright-core';
import { axeViolations, describeViolations } from './axe.js';
import { artifactPath } from './browser.js';
import { describeFindings, findEnglish, pageTextsInBrowser } from './english-on-spanish-page.js';

export type Device = 'desktop' | 'phone';
export type Language = 'en' | 'es';

export interface Combination {
  device: Device;
  lang: Language;
}

export const COMBINATIONS: readonly Combination[] = [
  { device: 'desktop', lang: 'en' },
  { device: 'phone', lang: 'en' },
  { device: 'desktop', lang: 'es' },
  { device: 'phone', lang: 'es' },
];

const DEVICES: Record<Device, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  // An iPhone 12–15 class phone: 390×844 CSS pixels at 3×, touch.
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
};

/** One browser context and page per combination, reused by every state; counts transferred bytes. */
export class TourWindow {
  private bytes = 0;
  private readonly urls = new Map<string, string>();
  private largest = { url: '', bytes: 0 };

  private constructor(
    readonly combination: Combination,
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly cdp: CDPSession,
  ) {}

  /**
   * A context whose pages are in `lang`: the `lang` cookie (the language switch's choice) and
   * Accept-Language (what the error pages answered before any hook ran go by).
   */
  static async open(browser: Browser, combination: Combination, base: string): Promise<TourWindow> {
    const context = await browser.newContext({
      ...DEVICES[combination.device],
      locale: combination.lang === 'es' ? 'es-ES' : 'en-US',
      extraHTTPHeaders: { 'accept-language': combination.lang === 'es' ? 'es-ES,es;q=0.9' : 'en-US,en;q=0.9' },
    });
    await context.addCookies([{ name: 'lang', value: combination.lang, url: base }]);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const tour = new TourWindow(combination, context, page, cdp);
    cdp.on('Network.responseReceived', (event) => tour.urls.set(event.requestId, event.response.url));
    cdp.on('Network.loadingFinished', (event) => tour.received(event.requestId, event.encodedDataLength));
    return tour;
  }

  get label(): string {
    return `${this.combination.device}-${this.combination.lang}`;
  }

  private received(requestId: string, bytes: number): void {
    this.bytes += bytes;
    const url = this.urls.get(requestId) ?? '?';
    this.urls.delete(requestId);
    if (bytes > this.largest.bytes) this.largest = { url, bytes };
  }

  /** Bytes received over the network since the last call (headers and compressed bodies), and the largest response. */
  takeBytes(): { bytes: number; largest: { url: string; bytes: number } } {
    const taken = { bytes: this.bytes, largest: this.largest };
    this.bytes = 0;
    this.largest = { url: '', bytes: 0 };
    return taken;
  }

  async close(): Promise<void> {
    await this.cdp.detach().catch(() => undefined);
    await this.context.close();
  }
}

export interface StateReport {
  state: string;
  window: string;
  status: number | undefined;
  bytes: number;
  largest: { url: string; bytes: number };
  problems: string[];
}

/**
 * Everything a page state must satisfy, as a list of problems (empty when it passes): axe
 * finds nothing, a phone does not scroll sideways, a Spanish page has no English. The
 * screenshot is taken whatever the result, so a failing state can be looked at.
 */
export async function checkState(tour: TourWindow, state: string): Promise<string[]> {
  const { page, combination } = tour;
  await page.waitForLoadState('load');
  const problems = describeViolations(await axeViolations(page)).map((v) => `axe: ${v}`);
  if (combination.device === 'phone') {
    // Against the phone's own width: a mobile browser zooms out to fit a page that is too wide,
    // which makes window.innerWidth grow with it.
    const screenWidth = page.viewportSize()!.width;
    const { scrollWidth, widest } = await page.evaluate((limit) => {
      // The element that sticks out furthest, to say what to fix.
      let widestElement = '';
      let right = limit;
      for (const el of Array.from(document.body.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect().right + window.scrollX;
        if (r > right + 0.5) {
          right = r;
          widestElement = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''} (right edge ${Math.round(r)}px)`;
        }
      }
      return { scrollWidth: document.scrollingElement!.scrollWidth, widest: widestElement };
    }, screenWidth);
    if (scrollWidth > screenWidth)
      problems.push(`overflow: the page is ${scrollWidth}px wide on a ${screenWidth}px screen; widest: ${widest}`);
  }
  if (combination.lang === 'es') {
    problems.push(...describeFindings(findEnglish(await pageTextsInBrowser(page))).map((f) => `english: ${f}`));
  }
  await fullPageScreenshot(page, await artifactPath(`tour/${state}-${combination.device}-${combination.lang}.png`));
  return problems;
}

/**
 * The whole page as one image. Not `fullPage: true`: in Chromium that re-renders the page
 * without the touch emulation, so a phone's `(hover: none) and (pointer: coarse)` styles (the
 * large "Choose a photo" button) vanish from the picture. The viewport is made as tall as the
 * page instead, and put back.
 */
async function fullPageScreenshot(page: Page, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const viewport = page.viewportSize()!;
  const height = await page.evaluate(() => document.scrollingElement!.scrollHeight);
  if (height <= viewport.height) {
    await page.screenshot({ path });
    return;
  }
  await page.setViewportSize({ width: viewport.width, height });
  try {
    await page.screenshot({ path });
  } finally {
    await page.setViewportSize(viewport);
  }
}

/** Fills and submits a form as a person would, with the browser's own checks off (the server's are tested). */
export async function submitForm(page: Page, formSelector: string, fields: Record<string, string>): Promise<void> {
  for (const [selector, value] of Object.entries(fields)) await page.fill(selector, value);
  await page.$eval(formSelector, (form: HTMLFormElement) => {
    form.noValidate = true;
    form.requestSubmit();
  });
}

export function summaryLine(r: StateReport): string {
  const kb = (r.bytes / 1024).toFixed(1).padStart(7);
  const verdict = r.problems.length === 0 ? 'ok' : `${r.problems.length} problem(s)`;
  const largest =
    r.largest.bytes === 0 ? '' : `  largest ${(r.largest.bytes / 1024).toFixed(1)} KB ${new URL(r.largest.url).pathname.slice(0, 70)}`;
  return `${r.state.padEnd(30)} ${r.window.padEnd(11)} ${String(r.status ?? '-').padStart(3)} ${kb} KB  ${verdict}${largest}`;
}
