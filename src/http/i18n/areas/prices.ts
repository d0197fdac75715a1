/** Messages of one area of the pages (issue 15); merged into the tables in ../messages.ts. */
export const en = {
  'prices.invalid': 'Enter a price like {example} (at most {digits} decimals)',
  'prices.invalid_whole': 'Enter a whole price like {example} ({currency} has no decimals)',
  'prices.hint': 'For example {example} ({currency})',
  'prices.currency': 'Currency',
  'prices.currency_hint': 'Prices are shown in it. You can change it later in the settings.',
  'prices.currency_invalid': 'Choose a currency from the list',
  'prices.currency_common': 'Common currencies',
  'prices.currency_all': 'All currencies',
} as const;

export const es: Record<keyof typeof en, string> = {
  'prices.invalid': 'Escribe un precio como {example} (como mucho {digits} decimales)',
  'prices.invalid_whole': 'Escribe un precio sin decimales, como {example} ({currency} no lleva decimales)',
  'prices.hint': 'Por ejemplo {example} ({currency})',
  'prices.currency': 'Moneda',
  'prices.currency_hint': 'Los precios se muestran en ella. Puedes cambiarla más tarde en los ajustes.',
  'prices.currency_invalid': 'Elige una moneda de la lista',
  'prices.currency_common': 'Monedas habituales',
  'prices.currency_all': 'Todas las monedas',
};
