/** The app's cookies: names and the one set of options they share. */
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { Config } from '../../config.js';

export const COOKIE = {
  /** The signed session (tenancy/session.ts). */
  session: 'vitrina_session',
  /** Flash messages for the next page, signed (flash.ts). */
  flash: 'vitrina_flash',
  /** A random id binding the log-in and sign-up forms' CSRF tokens to this browser. */
  preSession: 'vitrina_pre',
  /** The chosen language. */
  lang: 'lang',
  /** The product list's chosen view: `grid` or `table` (routes/products-list.ts). */
  productsView: 'products_view',
} as const;

/** HttpOnly, SameSite=Lax, path /; Secure when people reach the app over https. */
export function cookieOptions(config: Pick<Config, 'appUrl'>): CookieSerializeOptions {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: config.appUrl.startsWith('https:') };
}
