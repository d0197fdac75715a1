export { en, es, type MessageKey } from './messages.js';
export {
  t,
  msg,
  resolveMsg,
  isLocale,
  isMessageKey,
  LOCALES,
  DEFAULT_LOCALE,
  type Locale,
  type Msg,
  type MessageParams,
} from './translate.js';
export { negotiateLocale } from './negotiate-locale.js';
export { formatDecimal, formatMoney, formatPrice, formatBytes, unitLabel, priceFormatFor, priceProblem, priceHint } from './format.js';
