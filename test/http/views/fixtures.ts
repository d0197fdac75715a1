/** View models shared by the view tests. */
import type { ImageView, PageContext, ProductFormModel, ProductSummaryView } from '../../../src/http/views/types.js';

export const page = (over: Partial<PageContext> = {}): PageContext => ({
  locale: 'en',
  csrfToken: 'tok-123',
  session: { email: 'ana@example.com', tenantName: 'Acme', role: 'owner', currency: 'EUR' },
  flash: [],
  ...over,
});

export const readyImage: ImageView = {
  status: 'ready',
  src: 'https://cdn.example.com/t/1/img/a/160.webp',
  width: 160,
  height: 120,
  srcset: [
    { url: 'https://cdn.example.com/t/1/img/a/160.webp', width: 160 },
    { url: 'https://cdn.example.com/t/1/img/a/480.webp?X-Amz-Signature=ab&x=1', width: 480 },
  ],
};

export const product = (over: Partial<ProductSummaryView> = {}): ProductSummaryView => ({
  id: '42',
  name: 'Coffee beans',
  sku: 'COF-1',
  salePrice: '19.99',
  unit: 'kg',
  image: readyImage,
  ...over,
});

export const UNITS = [
  { id: 1, code: 'unit' },
  { id: 2, code: 'kg' },
  { id: 7, code: 'box' },
];

export const formModel = (over: Partial<ProductFormModel> = {}): ProductFormModel => ({
  page: page(),
  mode: 'new',
  action: '/products/new',
  values: { name: '', sku: '', uom_id: '1', sale_price: '', description: '' },
  errors: {},
  units: UNITS,
  upload: { maxBytes: 2 * 1024 * 1024, allowedTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] },
  ...over,
});

/** All id="…" values in a document. */
export function ids(doc: string): Set<string> {
  return new Set([...doc.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
}

/** The opening tag of the element with this id. */
export function tagWithId(doc: string, id: string): string {
  const m = new RegExp(`<[a-z]+[^>]*\\sid="${id}"[^>]*>`).exec(doc);
  if (!m) throw new Error(`no element with id ${id}`);
  return m[0];
}
