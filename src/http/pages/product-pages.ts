/**
 * What the product pages share: turning rows into view models (URLs computed here, from
 * keys), and the one handler behind both product forms (`POST /products/new` and
 * `POST /products/{id}/edit`): read the multipart body with the size limit, check the CSRF
 * token, check the image from its bytes, validate the fields, then create or update — or
 * show the form again with what was typed and a message beside each problem.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ImageUpload } from '../../catalog/catalog.service.js';
import { parseProductInput, type ProductErrorCode, type ProductInput } from '../../catalog/product-input.js';
import type { ProductView } from '../../catalog/products.repository.js';
import type { Product } from '../../db/schema.js';
import { AppError, isAppError } from '../../errors.js';
import { TOO_SLOW_MESSAGE } from '../../media/decode-check.js';
import { refusalOf, startInspection } from '../../media/inspect-upload.js';
import type { Services } from '../http-context.js';
import { readMultipartForm, type MultipartForm } from '../forms/multipart-form.js';
import { formatBytes, msg, type MessageKey, type Msg } from '../i18n/index.js';
import type { ImageUrls } from '../media/image-urls.js';
import type {
  Flash,
  ProductDetailView,
  ProductFieldErrors,
  ProductFormModel,
  ProductFormValues,
  ProductSummaryView,
} from '../views/types.js';
import { productFormPage } from '../views/product-form.js';
import { csrfValid } from './csrf-guard.js';
import { pageContext, redirectWithFlash, sendPage } from './page-context.js';

/** Width the list's `src` aims at (cards are ~240 CSS px, so 480 covers 2× screens). */
export const LIST_IMAGE_WIDTH = 480;
export const DETAIL_IMAGE_WIDTH = 1200;

export async function productSummary(urls: ImageUrls, p: ProductView, preferWidth: number): Promise<ProductSummaryView> {
  return {
    id: String(p.id),
    name: p.name,
    sku: p.sku,
    salePrice: p.sale_price,
    unit: p.unit_code,
    image: await urls.imageView(p.image, preferWidth),
  };
}

export async function productDetail(urls: ImageUrls, p: ProductView): Promise<ProductDetailView> {
  return { ...(await productSummary(urls, p, DETAIL_IMAGE_WIDTH)), description: p.description === '' ? null : p.description };
}

export const EMPTY_VALUES: ProductFormValues = { name: '', sku: '', uom_id: '1', sale_price: '', description: '' };

export function valuesOf(p: ProductView): ProductFormValues {
  return { name: p.name, sku: p.sku, uom_id: String(p.uom_id), sale_price: p.sale_price, description: p.description };
}

function typedValues(fields: Record<string, string>): ProductFormValues {
  const v = (name: keyof ProductFormValues) => fields[name] ?? '';
  return { name: v('name'), sku: v('sku'), uom_id: v('uom_id') || '1', sale_price: v('sale_price'), description: v('description') };
}

export interface FormState {
  mode: 'new' | 'edit';
  /** Edit only: the product as stored (id, name for the title, current image). */
  product?: ProductView | undefined;
  values: ProductFormValues;
  errors?: ProductFieldErrors | undefined;
  removeImage?: boolean | undefined;
  flash?: readonly Flash[] | undefined;
}

/** What the product forms use: the catalog (units, save), image URLs, the pages' signing, the upload checks and counts. */
export type ProductFormDeps = Pick<Services, 'config' | 'pages' | 'catalog' | 'urls' | 'metrics' | 'uploads'>;

export async function renderProductForm(
  s: Pick<Services, 'config' | 'pages' | 'catalog' | 'urls'>,
  request: FastifyRequest,
  reply: FastifyReply,
  state: FormState,
  status = 200,
): Promise<FastifyReply> {
  const { product } = state;
  const model: ProductFormModel = {
    page: pageContext(s.pages, request, reply, state.flash),
    mode: state.mode,
    action: product === undefined ? '/products/new' : `/products/${product.id}/edit`,
    productId: product === undefined ? undefined : String(product.id),
    productName: product?.name,
    values: state.values,
    errors: state.errors ?? {},
    units: (await s.catalog.listUnits()).map((u) => ({ id: u.id, code: u.code })),
    currentImage: product === undefined ? undefined : await s.urls.imageView(product.image, LIST_IMAGE_WIDTH),
    removeImage: state.removeImage,
    upload: { maxBytes: s.config.maxUploadSize, allowedTypes: s.config.media.allowedTypes },
  };
  return sendPage(reply, productFormPage(model), status);
}

const FIELD_KEYS: Record<ProductErrorCode, MessageKey> = {
  name_required: 'error.name_required',
  name_too_long: 'error.name_too_long',
  name_invalid: 'error.name_invalid',
  sku_required: 'error.sku_required',
  sku_invalid: 'error.sku_invalid',
  uom_invalid: 'error.uom_invalid',
  price_invalid: 'error.price_invalid',
  description_too_long: 'error.description_too_long',
  description_invalid: 'error.description_invalid',
};

/** A refused image as the page says it: the flash (and the message beside the file input). */
function imageProblem(err: AppError, maxPixels: number): Msg {
  const type = /^File type not allowed: (.+)$/.exec(err.message);
  if (err.code === 'UnsupportedMediaType' && type) return msg('flash.file_type_not_allowed', { type: type[1]! });
  if (/^The file is empty/.test(err.message)) return msg('error.image_empty');
  if (/too many pixels|too large: \d+×\d+|more pixels/.test(err.message))
    return msg('error.image_too_many_pixels', { limit: Math.round(maxPixels / 1e6) });
  if (/damaged|incomplete/.test(err.message)) return msg('error.image_damaged');
  if (err.message.startsWith(TOO_SLOW_MESSAGE)) return msg('error.image_too_slow');
  return err.message;
}

type SaveProduct = (input: ProductInput, image: ImageUpload | undefined, removeImage: boolean) => Promise<Product>;
type FormTarget = { mode: 'new' | 'edit'; product?: ProductView | undefined };

/**
 * The whole post of a product form. `save` creates or updates and returns the product;
 * its AppErrors (duplicate SKU, unknown unit) become messages beside their fields.
 */
export async function handleProductForm(
  rt: ProductFormDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  form: FormTarget,
  save: SaveProduct,
): Promise<FastifyReply> {
  const stopTimer = rt.metrics.uploadSeconds.startTimer();
  try {
    return await productForm(rt, request, reply, form, save);
  } finally {
    stopTimer();
  }
}

async function productForm(
  rt: ProductFormDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  form: FormTarget,
  save: SaveProduct,
): Promise<FastifyReply> {
  const maxBytes = rt.config.maxUploadSize;
  const body: MultipartForm = await readMultipartForm(request, { maxBytes });
  const values = typedValues(body.fields);
  const removeImage = body.fields.remove_image === '1';
  const again = (errors: ProductFieldErrors, flash: Msg, status = 200) =>
    renderProductForm(rt, request, reply, { ...form, values, errors, removeImage, flash: [{ kind: 'error', message: flash }] }, status);

  if (!csrfValid(request, rt.pages.secret, body.fields._csrf)) return again({}, msg('error.csrf'), 403);
  if (body.tooLarge) {
    rt.metrics.count('uploads', { outcome: 'refused' });
    const tooLarge = msg('flash.file_too_large', { size: formatBytes(maxBytes, request.locale) });
    return again({ image: tooLarge }, tooLarge);
  }

  const refused = (err: unknown, bytes: number) => {
    if (!isAppError(err)) throw err;
    // Not the file's fault: too many uploads waiting for their decode check (media/decode-slots.ts).
    if (err.code === 'Unavailable') {
      rt.metrics.count('uploads', { outcome: 'failed' });
      request.log.warn({ event: 'refused', reason: err.message, bytes }, 'upload refused: busy');
      if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
      const busy = msg('error.image_busy');
      return again({ image: busy }, busy, 503);
    }
    const problem = imageProblem(err, rt.config.media.maxPixels);
    rt.metrics.count('uploads', { outcome: 'refused' });
    request.log.info({ event: 'refused', tenantId: request.account?.tenantId, reason: err.message, bytes }, 'upload refused');
    return again({ image: problem }, problem);
  };

  // The type is checked here; the rest of the checks, the decode too, run while the upload is put (catalog.service.ts).
  let image: ImageUpload | undefined;
  if (body.file !== undefined) {
    try {
      const { allowedTypes, maxPixels } = rt.config.media;
      const inspection = await startInspection(body.file.bytes, { allowedTypes, maxPixels, decodeSlots: rt.uploads.decodeSlots });
      image = { bytes: body.file.bytes, fileName: body.file.fileName, inspection };
    } catch (err) {
      return refused(err, body.file.bytes.length);
    }
  }

  const parsed = parseProductInput(body.fields);
  if (!parsed.ok) {
    // An image's own problem is said first, as for a form whose fields are all right.
    if (image !== undefined) {
      const refusal = await refusalOf(image.inspection);
      if (refusal !== undefined) return refused(refusal, image.bytes.length);
    }
    const errors: ProductFieldErrors = {};
    for (const [field, code] of Object.entries(parsed.codes)) errors[field as keyof ProductFieldErrors] = msg(FIELD_KEYS[code]);
    return again(errors, msg('flash.fix_errors'));
  }

  let product: Product;
  try {
    product = await save(parsed.value, image, removeImage);
  } catch (err) {
    if (image !== undefined && err === (await refusalOf(image.inspection))) return refused(err, image.bytes.length);
    if (isAppError(err, 'Conflict')) return again({ sku: msg('error.sku_taken') }, msg('flash.fix_errors'));
    if (isAppError(err, 'Unprocessable') && /unit/i.test(err.message))
      return again({ uom_id: msg('error.uom_invalid') }, msg('flash.fix_errors'));
    if (isAppError(err, 'StoreUnreachable') || isAppError(err, 'Unavailable')) {
      rt.metrics.count('uploads', { outcome: 'failed' });
      request.log.error({ err, event: 'refused' }, 'upload could not be stored');
      return again({ image: msg('error.upload_unavailable') }, msg('error.upload_unavailable'), 503);
    }
    throw err;
  }
  const flash = msg(form.mode === 'new' ? 'flash.product_created' : 'flash.product_updated');
  return redirectWithFlash(rt.pages, reply, `/products/${product.id}`, { kind: 'success', message: flash });
}
