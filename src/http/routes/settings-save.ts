import type { FastifyInstance } from 'fastify';
import { checkShopSettings, type ShopSettingsProblems } from '../../tenancy/shop-settings.js';
import { msg, type MessageKey } from '../i18n/index.js';
import { accountOf, formFields, refusedUnlessOwner, renderSettings, type AccountDeps } from '../pages/account-pages.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { redirectWithFlash } from '../pages/page-context.js';
import type { SettingsModel } from '../views/account-types.js';

const PROBLEM_KEYS: Record<NonNullable<ShopSettingsProblems[keyof ShopSettingsProblems]>, MessageKey> = {
  name_required: 'settings.name_required',
  name_too_long: 'settings.name_too_long',
  name_invalid: 'settings.name_invalid',
  currency_invalid: 'settings.currency_invalid',
  locale_invalid: 'settings.locale_invalid',
};

/**
 * POST /settings (name, currency, default_locale, _csrf), owners only (an editor: 403) → saves,
 * 302 to /settings with a flash; the header shows the new name at once. Bad input → 200, the
 * page again with the error summary and a message beside each field.
 */
export default async function settingsSave(app: FastifyInstance, s: AccountDeps): Promise<void> {
  app.post('/settings', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const field = formFields(request);
    if (!csrfValid(request, s.pages.secret, field('_csrf')))
      return renderSettings(s, request, reply, { flash: [{ kind: 'error', message: msg('error.csrf') }] }, 403);
    if (await refusedUnlessOwner(s, request, reply)) return reply;
    const shop = { name: field('name').slice(0, 1000), currency: field('currency'), default_locale: field('default_locale') };
    const checked = checkShopSettings({ name: shop.name, currency: shop.currency, defaultLocale: shop.default_locale });
    if (!checked.ok) {
      const { name, currency, defaultLocale } = checked.problems;
      const shopErrors: SettingsModel['shopErrors'] = {
        ...(name && { name: msg(PROBLEM_KEYS[name]) }),
        ...(currency && { currency: msg(PROBLEM_KEYS[currency]) }),
        ...(defaultLocale && { default_locale: msg(PROBLEM_KEYS[defaultLocale]) }),
      };
      return renderSettings(s, request, reply, { shop, shopErrors });
    }
    await s.auth.account.updateShop(accountOf(request).tenantId, checked.value);
    request.log.info({ event: 'settings-saved', tenantId: accountOf(request).tenantId }, 'shop settings saved');
    return redirectWithFlash(s.pages, reply, '/settings', { kind: 'success', message: msg('settings.saved') });
  });
}
