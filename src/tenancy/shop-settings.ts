/**
 * The shop's own settings: its name (the rules of sign-up), its currency (an ISO 4217 code
 * Intl can format) and the pages' default language (English, Spanish or the browser's).
 *
 * @example
 *   const checked = checkShopSettings({ name: 'Acme', currency: 'EUR', defaultLocale: 'es' });
 *   if (checked.ok) await updateShopSettings(db, 42, checked.value);
 */
import { isCurrencyCode } from '../catalog/currency.js';
import type { Db } from '../db/schema.js';
import { isPlainText } from '../plain-text.js';
import { updateTenant } from './tenants.repository.js';

export const MAX_SHOP_NAME_LENGTH = 100;

export interface ShopSettings {
  readonly name: string;
  readonly currency: string;
  readonly defaultLocale: 'en' | 'es' | null;
}

export type ShopSettingsProblems = Partial<{
  name: 'name_required' | 'name_too_long' | 'name_invalid';
  currency: 'currency_invalid';
  defaultLocale: 'locale_invalid';
}>;

/** The form's fields as posted: `default_locale` '' means the browser's language. */
export function checkShopSettings(input: {
  name: string;
  currency: string;
  defaultLocale: string;
}): { ok: true; value: ShopSettings } | { ok: false; problems: ShopSettingsProblems } {
  const problems: ShopSettingsProblems = {};
  const name = input.name.trim();
  if (name === '') problems.name = 'name_required';
  else if (name.length > MAX_SHOP_NAME_LENGTH) problems.name = 'name_too_long';
  else if (!isPlainText(name)) problems.name = 'name_invalid';
  if (!isCurrencyCode(input.currency)) problems.currency = 'currency_invalid';
  const locale = input.defaultLocale;
  if (locale !== '' && locale !== 'en' && locale !== 'es') problems.defaultLocale = 'locale_invalid';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, value: { name, currency: input.currency, defaultLocale: locale === '' ? null : (locale as 'en' | 'es') } };
}

export async function updateShopSettings(db: Db, tenantId: number, settings: ShopSettings): Promise<void> {
  await updateTenant(db, tenantId, settings);
}
