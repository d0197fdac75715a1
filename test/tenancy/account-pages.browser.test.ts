/**
 * Settings and team in Debian's Chromium (issue 15), on a 1280×800 desktop and a 390×844 3×
 * phone, in English and Spanish: the settings page, a refused save (error summary), a currency
 * change the product list shows at once, an API key shown once, an invitation made on the team
 * page and opened in another browser that joins the shop, and a reset link used once. Every
 * state: axe with zero violations, no sideways scrolling on the phone, no English on a Spanish
 * page; screenshots in test-artifacts/tour/account-*.png.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { launchBrowser } from '../support/browser.js';
import { checkState, COMBINATIONS, submitForm, TourWindow } from '../support/page-tour.js';
import { WebClient } from '../support/web-client.js';

const PASSWORD = 'caballo correcto batería';
const SESSION_COOKIE = 'vitrina_session';

let app: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = await startTestApp('pglite+local', { listen: true, env: { JOBS: 'false' } });
  base = app.baseUrl!;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

for (const combination of COMBINATIONS) {
  const label = `${combination.device}-${combination.lang}`;
  describe(`settings and team, ${combination.device}, ${combination.lang}`, () => {
    it('settings, a currency the list shows, an API key, an invitation joined in another browser, a reset link', async () => {
      // A shop with one product, made over HTTP; the browser takes its session.
      const owner = new WebClient(base);
      const shopName = `Ferretería ${label}`;
      await owner.signUp(shopName, `ana-${label}@ferreteria.test`, PASSWORD);
      await owner.get('/products/new');
      const made = await owner.postMultipart('/products/new', {
        name: 'Martillo',
        sku: 'MART-16',
        uom_id: '1',
        sale_price: '24.90',
        _csrf: owner.csrf(),
      });
      expect(made.statusCode).toBe(302);

      const tour = await TourWindow.open(browser, combination, base);
      const guest = await TourWindow.open(browser, combination, base);
      const problems: string[] = [];
      const check = async (state: string) => problems.push(...(await checkState(tour, `account-${state}`)).map((p) => `${state}: ${p}`));
      const checkGuest = async (state: string) =>
        problems.push(...(await checkState(guest, `account-${state}`)).map((p) => `${state}: ${p}`));
      try {
        await tour.context.addCookies([{ name: SESSION_COOKIE, value: owner.cookies.get(SESSION_COOKIE)!, url: base }]);
        const page = tour.page;

        await page.goto(`${base}/settings`);
        await check('settings');

        await submitForm(page, 'form[action="/settings"]', { '#name': 'x'.repeat(150) });
        await page.waitForSelector('[data-error-summary] a[href="#name"]');
        await check('settings-refused');

        await page.fill('#name', shopName);
        await page.selectOption('#currency', 'EUR');
        await page.click('form[action="/settings"] button[type="submit"]');
        await page.waitForSelector('.flash-success');
        await check('settings-saved');
        await page.goto(`${base}/products`);
        await expect.poll(() => page.locator('main').innerText()).toContain('€');

        await page.goto(`${base}/settings`);
        await page.fill('#key_name', 'sync');
        await page.click('form[action="/settings/api-keys"] button[type="submit"]');
        const token = await page.locator('#new_token').inputValue();
        expect(token).toMatch(/^vk_/);
        await check('settings-key-created');

        await page.goto(`${base}/settings/team`);
        await check('team');
        await page.selectOption('#invite_role', 'editor');
        await page.click('form[action="/settings/team/invites"] button[type="submit"]');
        const invite = await page.locator('#invite_link').inputValue();
        expect(invite).toMatch(/\/invite\/[\w-]{43}$/);
        await check('team-invite-link');

        // The invited person, in a browser of their own.
        await guest.page.goto(invite);
        expect(await guest.page.locator('h1').innerText()).toContain(shopName);
        await checkGuest('invite');
        await submitForm(guest.page, `form[action="${new URL(invite).pathname}"]`, {
          '#email': 'no-es-un-correo',
          '#password': 'corta',
          '#confirm': 'otra',
        });
        await guest.page.waitForSelector('[data-error-summary]');
        await checkGuest('invite-refused');
        const editorEmail = `eva-${label}@ferreteria.test`;
        await submitForm(guest.page, `form[action="${new URL(invite).pathname}"]`, {
          '#email': editorEmail,
          '#password': PASSWORD,
          '#confirm': PASSWORD,
        });
        await guest.page.waitForURL(`${base}/products`);
        expect(await guest.page.locator('.site-header').innerText()).toContain(shopName);
        await checkGuest('invite-joined');
        const forbidden = await guest.page.goto(`${base}/settings/team`);
        expect(forbidden?.status()).toBe(403);
        await checkGuest('team-forbidden');

        // The owner makes the new member a reset link; the member's browser uses it once.
        await page.goto(`${base}/settings/team`);
        await page.click(`form[action$="/reset-link"]:has(button[aria-label*="${editorEmail}"]) button`);
        const reset = await page.locator('#reset_link').inputValue();
        await check('team-reset-link');
        await guest.page.goto(reset);
        await checkGuest('reset');
        await submitForm(guest.page, `form[action="${new URL(reset).pathname}"]`, {
          '#password': 'una contraseña nueva',
          '#confirm': 'una contraseña nueva',
        });
        await guest.page.waitForURL(`${base}/login`);
        await checkGuest('reset-done');
        const gone = await guest.page.goto(reset);
        expect(gone?.status()).toBe(410);
        await checkGuest('reset-used');
      } finally {
        await guest.close();
        await tour.close();
      }
      expect(problems).toEqual([]);
    }, 180_000);
  });
}
