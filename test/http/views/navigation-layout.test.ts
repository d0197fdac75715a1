/**
 * Issue 15, items 4, 8 and 9 without a server: the header's navigation and current page, the
 * language switch's links, the live region, the sign-up's error summary, the error pages' texts
 * and the `?lang=` redirect target.
 */
import { describe, expect, it } from 'vitest';
import { pageMessage } from '../../../src/http/error-page-message.js';
import { msg } from '../../../src/http/i18n/index.js';
import { withoutLang } from '../../../src/http/request-state.js';
import { errorPage } from '../../../src/http/views/error-page.js';
import { signupPage } from '../../../src/http/views/signup.js';
import { page } from './fixtures.js';

describe('the header', () => {
  it('links Products and Settings for a logged-in person and marks the current page', () => {
    const list = errorPage({ page: page({ path: '/products?q=tea' }), status: 404 });
    expect(list).toContain('<a href="/products" aria-current="page">Products</a>');
    expect(list).toContain('<a href="/settings">Settings</a>');
    const detail = errorPage({ page: page({ path: '/products/42' }), status: 404 });
    expect(detail).toContain('<a href="/products" aria-current="true">Products</a>');
    const settings = errorPage({ page: page({ path: '/settings', locale: 'es' }), status: 404 });
    expect(settings).toContain('<a href="/settings" aria-current="page">Ajustes</a>');
  });

  it('keeps the query in the language links, and never links off the site', () => {
    const doc = errorPage({ page: page({ path: '/products?q=t%C3%A9&page=2&lang=en' }), status: 404 });
    expect(doc).toContain('href="/products?q=t%C3%A9&amp;page=2&amp;lang=es"');
    expect(doc).toContain('href="/products?q=t%C3%A9&amp;page=2&amp;lang=en"');
    for (const path of ['//evil.example/x', '/\\evil.example', `/x?${'a'.repeat(2000)}`]) {
      const other = errorPage({ page: page({ path }), status: 404 });
      expect(other).toContain('href="?lang=es"');
    }
  });

  it('has a polite live region carrying the translated "Image ready"', () => {
    expect(errorPage({ page: page({ locale: 'es' }), status: 404 })).toContain(
      '<div class="visually-hidden" aria-live="polite" data-live data-msg-image-ready="Imagen lista"></div>',
    );
  });
});

describe('the sign-up error summary', () => {
  it('lists each problem in field order, linking to its field; the name input stops at 100', () => {
    const doc = signupPage({
      page: page({ session: null }),
      values: { tenant_name: 'x', email: 'bad' },
      errors: { password: msg('error.password_too_short'), tenant_name: msg('errors.tenant_name_too_long') },
    });
    expect(doc).toMatch(/class="error-summary" role="alert" tabindex="-1" data-error-summary/);
    const links = [...doc.matchAll(/<li><a href="#(\w+)">/g)].map((m) => m[1]);
    expect(links).toEqual(['tenant_name', 'password']);
    expect(doc).toContain('Shop name must be 100 characters or fewer');
    expect(doc).toMatch(/id="tenant_name"[^>]*maxlength="100"/);
    expect(signupPage({ page: page({ session: null }), values: { tenant_name: '', email: '' }, errors: {} })).not.toContain(
      'error-summary',
    );
  });
});

describe('error page texts', () => {
  it('translates by the message when it is a page text, else by code or status; a 5xx says only that it failed', () => {
    expect(pageMessage({ status: 404, code: 'NotFound', message: 'There is no such product.' })).toEqual(msg('errors.not_found'));
    expect(
      pageMessage({ status: 403, code: 'Forbidden', message: 'Your session expired. Go back, reload the page and try again.' }),
    ).toEqual(msg('errors.session_expired'));
    expect(pageMessage({ status: 416, code: 'BadRequest', message: 'The requested range is past the end' })).toEqual(msg('errors.range'));
    expect(pageMessage({ status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: 'Request body is too large' })).toEqual(
      msg('errors.too_large'),
    );
    expect(pageMessage({ status: 502, code: 'StoreError', message: 'The object store answered …' })).toEqual(msg('errors.store'));
    expect(pageMessage({ status: 500, code: 'Internal', message: 'secret detail' })).toEqual(msg('errors.internal'));
    expect(pageMessage({ status: 400, code: 'BadRequest', message: 'x', frameworkCode: 'FST_ERR_BAD_URL' })).toEqual(msg('errors.bad_url'));
    expect(pageMessage({ status: 418, code: 'Teapot', message: 'short and stout' })).toEqual(msg('errors.bad_request'));
    const es = errorPage({
      page: page({ locale: 'es' }),
      status: 404,
      message: pageMessage({ status: 404, code: 'NotFound', message: 'Not found.' }),
    });
    expect(es).toContain('No encontramos esa página.');
  });
});

describe('the ?lang= redirect target', () => {
  it('is the same path and query without lang, for a page GET only', () => {
    expect(withoutLang('GET', '/products?q=tea&lang=es&page=2')).toBe('/products?q=tea&page=2');
    expect(withoutLang('HEAD', '/login?lang=en')).toBe('/login');
    expect(withoutLang('POST', '/login?lang=en')).toBeUndefined();
    expect(withoutLang('GET', '/products')).toBeUndefined();
    expect(withoutLang('GET', '/products?q=lang')).toBeUndefined();
    for (const url of [
      '/api/v1/products?lang=es',
      '/media/t/1/a.webp?lang=es',
      '/assets/app.css?lang=es',
      '//evil.example/?lang=es',
      '/\\evil?lang=es',
    ]) {
      expect(withoutLang('GET', url), url).toBeUndefined();
    }
    expect(withoutLang('GET', `/products?q=${'a'.repeat(3000)}&lang=es`)).toBeUndefined();
  });
});
