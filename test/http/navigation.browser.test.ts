/**
 * Issue 15, items 4, 6 and 9 in Debian's Chromium, at 1280×800 and on a 390×844 phone, in
 * English and Spanish: the enhanced form leaves a normal history (Back shows the form under
 * its own address, Forward the product, the flash shown once), a refused submit focuses the
 * error summary, the header is one row on the phone with targets of 24 px or more, the focus
 * ring has 3:1 contrast against white and the button colours, a processed image is announced,
 * and axe finds nothing on any state. Screenshots go to test-artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../media/media-fixtures.js';
import { startBrowserApp, type BrowserApp } from '../support/browser-app.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { artifactPath } from '../support/browser.js';

let browser: Browser;
let base: string;
let running: BrowserApp | undefined;

beforeAll(async () => {
  running = await startBrowserApp();
  ({ browser, base } = running);
});

afterAll(async () => {
  await running?.close();
});

const TEXT = {
  en: { created: 'Product created', summary: 'There is a problem', ready: 'Image ready' },
  es: { created: 'Producto creado', summary: 'Hay un problema', ready: 'Imagen lista' },
} as const;

const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  expect(describeViolations(await axeViolations(page)), state).toEqual([]);
}

/** WCAG relative luminance of a CSS rgb()/rgba() colour. */
function luminance(color: string): number {
  const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number) as [number, number, number];
  const linear = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The header's children all on one row, and its height one row (the tallest child) plus its padding. */
async function headerRows(page: Page) {
  return page.evaluate(() => {
    const header = document.querySelector<HTMLElement>('.site-header')!;
    const style = getComputedStyle(header);
    const inner =
      header.getBoundingClientRect().height -
      parseFloat(style.paddingTop) -
      parseFloat(style.paddingBottom) -
      parseFloat(style.borderBottomWidth);
    const children = [...header.children].filter((el) => el.getBoundingClientRect().width > 0 && !el.classList.contains('skip-link'));
    const tallest = Math.max(...children.map((el) => el.getBoundingClientRect().height));
    const tops = children.map((el) => Math.round(el.getBoundingClientRect().top));
    const targets = [...header.querySelectorAll<HTMLElement>('a, button')]
      .filter((el) => el.getBoundingClientRect().width > 0)
      .map((el) => ({
        text: el.textContent ?? '',
        width: Math.round(el.getBoundingClientRect().width),
        height: el.getBoundingClientRect().height,
      }));
    const tenant = header.querySelector('.tenant')?.getBoundingClientRect().width ?? 0;
    return { inner, tallest, tops, targets, tenant, scrollWidth: document.documentElement.scrollWidth };
  });
}

describe.each([
  ['desktop', 'en'],
  ['desktop', 'es'],
  ['phone', 'en'],
  ['phone', 'es'],
] as const)('navigation at %s in %s', (size, lang) => {
  it('keeps a normal history after saving, focuses the error summary, fits the header and shows the focus ring', async () => {
    const context = await browser.newContext({ viewport: SIZES[size], locale: lang === 'es' ? 'es-ES' : 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const shot = async (name: string) =>
      page.screenshot({ path: await artifactPath(`navigation-${size}-${lang}-${name}.png`), fullPage: true });

    // Sign-up refused by the server (the browser's own checks off): the summary has the focus.
    await page.goto(`${base}/signup`);
    await page.fill('#tenant_name', `Ferretería del Puerto ${size}`);
    await page.fill('#email', `nav-${size}-${lang}@ferreteria.test`);
    await page.fill('#password', 'short');
    await page.evaluate(() => document.querySelector('form[action="/signup"]')!.setAttribute('novalidate', ''));
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => document.activeElement?.hasAttribute('data-error-summary') === true);
    expect(await page.locator('[data-error-summary] a[href="#password"]').count()).toBe(1);
    await expectNoAxeViolations(page, 'refused sign-up');
    await shot('signup-refused');
    await page.fill('#password', 'correct horse battery');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${base}/products`);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    expect(await page.getAttribute('.site-nav a[href="/products"]', 'aria-current')).toBe('page');
    await expectNoAxeViolations(page, 'products list');

    // The header: one row, every target 24 px or more (on the phone too).
    const header = await headerRows(page);
    expect(header.inner, JSON.stringify(header)).toBeLessThanOrEqual(header.tallest + 1);
    expect(new Set(header.tops).size <= 1 || Math.max(...header.tops) - Math.min(...header.tops) <= 8, JSON.stringify(header.tops)).toBe(
      true,
    );
    for (const target of header.targets) {
      expect(target.height, target.text).toBeGreaterThanOrEqual(24);
      expect(target.width, target.text).toBeGreaterThanOrEqual(24);
    }
    expect(header.scrollWidth, JSON.stringify(header)).toBeLessThanOrEqual(SIZES[size].width);
    // The shop's name is still readable (shortened with an ellipsis on the phone).
    expect(header.tenant, JSON.stringify(header)).toBeGreaterThanOrEqual(44);
    await page.locator('.site-header').screenshot({ path: await artifactPath(`navigation-${size}-${lang}-header.png`) });

    // A refused submit: the form comes back at its own address with focus on the error summary.
    await page.goto(`${base}/products/new`);
    await page.fill('#name', 'Martillo');
    await page.fill('#sku', `MART-${size}-${lang}`);
    await page.fill('#sale_price', 'abc');
    await page.click('[data-submit]');
    await page.waitForSelector('[data-error-summary]');
    await page.waitForFunction(() => document.activeElement?.hasAttribute('data-error-summary') === true);
    expect(page.url()).toBe(`${base}/products/new`);
    expect(await page.locator('[data-error-summary] h2').textContent()).toBe(TEXT[lang].summary);
    expect(await page.locator('[data-error-summary] a[href="#sale_price"]').count()).toBe(1);
    const summaryTop = await page.locator('[data-error-summary]').evaluate((el) => el.getBoundingClientRect().top);
    expect(summaryTop).toBeGreaterThanOrEqual(0);
    expect(summaryTop).toBeLessThan(SIZES[size].height);
    await expectNoAxeViolations(page, 'refused form');
    await shot('refused');
    // Its link moves focus to the field.
    await page.click('[data-error-summary] a[href="#sale_price"]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sale_price');

    // Saved: a real navigation to the product, the flash once; Back is the form, Forward the product.
    await page.fill('#sale_price', lang === 'es' ? '12,50' : '12.50');
    if (size === 'desktop' && lang === 'en') {
      await page.setInputFiles('#image', { name: 'martillo.jpg', mimeType: 'image/jpeg', buffer: await makeImage('jpeg', 900, 600) });
    }
    await page.click('[data-submit]');
    await page.waitForURL(/\/products\/\d+$/);
    const productUrl = page.url();
    await page.waitForSelector('.flash-success');
    expect(await page.locator('.flash-success').textContent()).toBe(TEXT[lang].created);
    expect(await page.getAttribute('.site-nav a[href="/products"]', 'aria-current')).toBe('true');
    await expectNoAxeViolations(page, 'product page');
    await shot('created');
    if (size === 'desktop' && lang === 'en') {
      // The processed image replaces its placeholder, and the live region says so.
      await page.waitForFunction((text) => document.querySelector('[data-live]')?.textContent === text, TEXT[lang].ready, {
        timeout: 30_000,
      });
      await expectNoAxeViolations(page, 'product page with its image');
    }

    await page.goBack();
    await page.waitForURL(`${base}/products/new`);
    await page.waitForSelector('form[data-upload-form] #name');
    expect(await page.locator('h1').textContent()).not.toContain('Martillo');
    expect(await page.locator('[data-submit]').isDisabled()).toBe(false);
    await expectNoAxeViolations(page, 'back to the form');
    await page.goForward();
    await page.waitForURL(productUrl);
    await page.waitForSelector('.product-detail, h1');
    expect(await page.locator('.flash-success').count()).toBe(0);

    // The focus ring: 3:1 or more against white and against each button colour it sits next to.
    await page.goto(`${base}/products/new`);
    await page.keyboard.press('Tab');
    const rings = await page.evaluate(() => {
      const out: { what: string; outline: string; width: number; background: string }[] = [];
      const targets = [
        '.brand',
        '.lang-switch a:not([aria-current])',
        '#name',
        '#uom_id',
        '#image',
        '[data-submit]',
        '.actions a.button',
        '.site-header .link-button',
      ];
      for (const selector of targets) {
        const el = document.querySelector<HTMLElement>(selector);
        if (!el) continue;
        el.focus();
        const shown = selector === '#image' ? (el.closest<HTMLElement>('[data-dropzone]') ?? el) : el;
        const style = getComputedStyle(shown);
        out.push({
          what: selector,
          outline: style.outlineColor,
          width: parseFloat(style.outlineWidth),
          background: getComputedStyle(el).backgroundColor,
        });
      }
      return out;
    });
    expect(rings.length).toBeGreaterThanOrEqual(6);
    const accent = await page.locator('[data-submit]').evaluate((el) => getComputedStyle(el).backgroundColor);
    for (const ring of rings) {
      expect(ring.width, ring.what).toBeGreaterThanOrEqual(2);
      expect(contrast(ring.outline, 'rgb(255, 255, 255)'), `${ring.what} on white`).toBeGreaterThanOrEqual(3);
      expect(contrast(ring.outline, accent), `${ring.what} against the primary button`).toBeGreaterThanOrEqual(3);
      expect(contrast(ring.outline, 'rgb(179, 38, 30)'), `${ring.what} against the danger button`).toBeGreaterThanOrEqual(3);
    }
    await page.focus('[data-submit]');
    await page.locator('.actions').screenshot({ path: await artifactPath(`navigation-${size}-${lang}-focus-ring.png`) });
    await expectNoAxeViolations(page, 'form with focus');

    // The language switch leaves no ?lang= in the address bar and keeps the query.
    await page.goto(`${base}/products?q=martillo`);
    await page.click(`.lang-switch a[hreflang="${lang === 'es' ? 'en' : 'es'}"]`);
    await page.waitForURL(`${base}/products?q=martillo`);
    expect(await page.getAttribute('html', 'lang')).toBe(lang === 'es' ? 'en' : 'es');

    // An unknown address shows this person's header, in the page's language.
    await page.goto(`${base}/no-such-page`);
    expect(await page.locator('.site-header .tenant').textContent()).toBe(`Ferretería del Puerto ${size}`);
    expect(await page.locator('.site-header a[href="/login"]').count()).toBe(0);
    await expectNoAxeViolations(page, '404 page');
    await shot('not-found');
    await context.close();
  });
});
