/**
 * The HTML error page: the status, a message meant for people (never a stack or an internal
 * detail) and a way back. The error handler supplies the AppError's message or nothing.
 */
import { isMessageKey, resolveMsg, t } from '../i18n/index.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { ErrorPageModel } from './types.js';

export function errorPage(model: ErrorPageModel): string {
  const { locale } = model.page;
  const generic = `errorpage.${model.status}`;
  const fallback = isMessageKey(generic) ? t(locale, generic) : t(locale, model.status >= 500 ? 'errorpage.500' : 'errorpage.400');
  const message = model.message === undefined ? fallback : resolveMsg(locale, model.message);
  const title = t(locale, 'errorpage.title', { status: model.status });
  const body = html`<section class="error-page">
  <h1>${title}</h1>
  <p>${message}</p>
  <p><a class="button" href="/">${t(locale, 'errorpage.home')}</a></p>
</section>`;
  return layout(model.page, title, body);
}
