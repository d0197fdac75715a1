/**
 * The page shell every view renders into: document head, header (app name, tenant, log-out),
 * language switch and the flash area. Flashes use role="status" for success (announced
 * politely) and role="alert" for errors (announced at once).
 */
import { resolveMsg, t, type Locale } from '../i18n/index.js';
import { html, type SafeHtml } from './html.js';
import type { Flash, PageContext } from './types.js';

const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español' };

export function layout(page: PageContext, title: string, body: SafeHtml): string {
  const { locale } = page;
  const appName = t(locale, 'app.name');
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
  <nav class="site-nav" aria-label="${appName}">
    ${
      page.session
        ? html`<a href="/products">${t(locale, 'nav.products')}</a>
    <span class="who">${t(locale, 'nav.signed_in_as', { email: page.session.email })}</span>
    <form method="post" action="/logout" class="inline-form">
      <input type="hidden" name="_csrf" value="${page.csrfToken ?? ''}">
      <button type="submit" class="link-button">${t(locale, 'nav.logout')}</button>
    </form>`
        : html`<a href="/login">${t(locale, 'nav.login')}</a> <a href="/signup">${t(locale, 'nav.signup')}</a>`
    }
  </nav>
  ${languageSwitch(locale)}
</header>
<main id="main" tabindex="-1">
${flashes(locale, page.flash ?? [])}
${body}
</main>
</body>
</html>`}\n`;
}

/** Plain links, so switching works without JS; the route turns `?lang=` into a cookie. */
function languageSwitch(current: Locale): SafeHtml {
  const links = (Object.keys(LANGUAGE_NAMES) as Locale[]).map(
    (l) =>
      html`<a href="?lang=${l}" hreflang="${l}" lang="${l}"${l === current ? html` aria-current="true"` : ''}>${LANGUAGE_NAMES[l]}</a>`,
  );
  return html`<nav class="lang-switch" aria-label="${t(current, 'nav.language')}">${links}</nav>`;
}

function flashes(locale: Locale, list: readonly Flash[]): SafeHtml {
  if (list.length === 0) return html``;
  return html`<div class="flashes">${list.map(
    (f) => html`<p class="flash flash-${f.kind}" role="${f.kind === 'error' ? 'alert' : 'status'}">${resolveMsg(locale, f.message)}</p>`,
  )}</div>`;
}
