/** "12 seconds", "3 minutes": how long a throttled log-in or sign-up must wait, in the page's language. */
import { t, type Locale } from '../i18n/index.js';

export function waitText(locale: Locale, seconds: number): string {
  if (seconds < 60) return t(locale, seconds === 1 ? 'login.wait_second' : 'login.wait_seconds', { n: seconds });
  const minutes = Math.ceil(seconds / 60);
  return t(locale, minutes === 1 ? 'login.wait_minute' : 'login.wait_minutes', { n: minutes });
}
