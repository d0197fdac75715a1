/**
 * The page shell every view renders into: document head, header (app name, tenant, the
 * logged-in person's navigation, log-out), language switch, the flash area and a polite live
 * region. Flashes use role="status" for success (announced politely) and role="alert" for
 * errors (announced at once). The header fits one row on a 390 px phone (public/app.css).
 */
import { resolveMsg, t, type Locale } from '../i18n/index.js';
import { html, type SafeHtml } from './html.js';
import type { Flash, PageContext } from './types.js';

const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español' };
/** A path longer than this gets the bare `?lang=` link (a page's own addresses are far shorter). */
const MAX_SWITCH_PATH = 1000;

export function layout(page: PageContext, title: string, body: SafeHtml): string {
  const { locale } = page;
  const appName = t(locale, 'app.name');
  const path = pathOf(page.path);
  return `<!doctype html>\n${html`<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${appName}</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<a class="skip-link" href="#main">${t(locale, 'nav.skip')}</a>
<header class="site-header">
  <a class="brand" href="${page.session ? '/products' : '/'}">${appName}</a>
  ${page.session ? html`<span class="tenant">${page.session.tenantName}</span>` : ''}
  <nav class="site-nav" aria-label="${t(locale, 'nav2.main')}">
    ${
      page.session
        ? html`${navLink('/products', t(locale, 'nav.products'), path)}
    ${navLink('/settings', t(locale, 'nav2.settings'), path)}
    <span class="who">${t(locale, 'nav.signed_in_as', { email: page.session.email })}</span>
    <form method="post" action="/logout" class="inline-form">
      <input type="hidden" name="_csrf" value="${page.csrfToken ?? ''}">
      <button type="submit" class="link-button">${t(locale, 'nav.logout')}</button>
    </form>`
        : html`${navLink('/login', t(locale, 'nav.login'), path)} ${navLink('/signup', t(locale, 'nav.signup'), path)}`
    }
  </nav>
  ${languageSwitch(locale, page.path)}
</header>
<main id="main" tabindex="-1">
${flashes(locale, page.flash ?? [], page.csrfToken)}
${body}
</main>
<div class="visually-hidden" aria-live="polite" data-live data-msg-image-ready="${t(locale, 'a11y.image_ready')}"></div>
</body>
</html>`}\n`;
}

/** The path alone (no query), or undefined when the page did not say. */
function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** aria-current="page" on the page itself, "true" on the section a sub-page belongs to (a product under Products). */
function navLink(href: string, text: string, path: string | undefined): SafeHtml {
  const current = path === href ? 'page' : path?.startsWith(`${href}/`) ? 'true' : undefined;
  return html`<a href="${href}"${current ? html` aria-current="${current}"` : ''}>${text}</a>`;
}

/**
 * Plain links, so switching works without JS: the same page and query with `lang` set; the
 * server keeps the choice in a cookie and redirects to the address without it.
 */
function languageSwitch(current: Locale, url: string | undefined): SafeHtml {
  const links = (Object.keys(LANGUAGE_NAMES) as Locale[]).map(
    (l) =>
      html`<a href="${switchHref(url, l)}" hreflang="${l}" lang="${l}"${l === current ? html` aria-current="true"` : ''}><span class="lang-short" aria-hidden="true">${l.toUpperCase()}</span><span class="lang-long">${LANGUAGE_NAMES[l]}</span></a>`,
  );
  return html`<nav class="lang-switch" aria-label="${t(current, 'nav.language')}">${links}</nav>`;
}

function switchHref(url: string | undefined, locale: Locale): string {
  // Only a path of this site: `//host/…` (an unknown URL's 404 page) would link elsewhere.
  if (url === undefined || url.length > MAX_SWITCH_PATH || url[0] !== '/' || url[1] === '/' || url[1] === '\\') return `?lang=${locale}`;
  const q = url.indexOf('?');
  const params = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  params.delete('lang');
  params.set('lang', locale);
  return `${q === -1 ? url : url.slice(0, q)}?${params.toString()}`;
}

function flashes(locale: Locale, list: readonly Flash[], csrfToken: string | undefined): SafeHtml {
  if (list.length === 0) return html``;
  return html`<div class="flashes">${list.map(
    (f) =>
      html`<p class="flash flash-${f.kind}" role="${f.kind === 'error' ? 'alert' : 'status'}">${resolveMsg(locale, f.message)}</p>${flashMore(locale, f, csrfToken)}`,
  )}</div>`;
}

/** A flash's second line and its Undo button (a plain form: works without JS), e.g. after a product went to the trash. */
function flashMore(locale: Locale, f: Flash, csrfToken: string | undefined): SafeHtml {
  if (f.detail === undefined && f.undoProductId === undefined) return html``;
  return html`<div class="flash-more flash-more-${f.kind}">${f.detail === undefined ? '' : html`<span>${resolveMsg(locale, f.detail)}</span>`}${
    f.undoProductId === undefined || csrfToken === undefined
      ? ''
      : html` <form method="post" action="/products/${f.undoProductId}/restore" class="inline-form"><input type="hidden" name="_csrf" value="${csrfToken}"><input type="hidden" name="next" value="product"><button type="submit" class="button small">${t(locale, 'trash.undo')}</button></form>`
  }</div>`;
}
