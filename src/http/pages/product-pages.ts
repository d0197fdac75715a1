/**
 * What the product pages share: turning rows into view models (URLs computed here, from
 * keys), and the one handler behind both product forms (`POST /products/new` and
 * `POST /products/{id}/edit`): read the multipart body with the size limit, check the CSRF
 * token, check the image from its bytes, validate the fields, then create or update — or
 * show the form again with what was typed and a message beside each problem.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PENDING_GONE_MESSAGE, SkuInTrashError, type ImageSource, type ImageUpload } from '../../catalog/catalog.service.js';
import type { PendingForm } from '../../catalog/pending-uploads.js';
import { DEFAULT_CURRENCY } from '../../catalog/currency.js';
import { formatPriceInput } from '../../catalog/price.js';
import { parseProductInput, type ProductErrorCode, type ProductInput } from '../../catalog/product-input.js';
import type { ProductView } from '../../catalog/products.repository.js';
import type { PendingUpload, Product } from '../../db/schema.js';
import { AppError, isAppError } from '../../errors.js';
import { TOO_SLOW_MESSAGE } from '../../media/decode-check.js';
import { refusalOf, startInspection } from '../../media/inspect-upload.js';
import { isHeicType } from '../../media/sniff.js';
import type { Services } from '../http-context.js';
import { readMultipartForm, type MultipartForm } from '../forms/multipart-form.js';
import { formatBytes, msg, priceFormatFor, priceProblem, type Locale, type MessageKey, type Msg } from '../i18n/index.js';
import type { ImageUrls } from '../media/image-urls.js';
import type {
  Flash,
  ProductDetailView,
  ProductFieldErrors,
  ProductFormModel,
  ProductFormValues,
  PendingUploadView,
  ProductSummaryView,
} from '../views/types.js';
import { backHref, withBack } from '../list-query.js';
import { productFormPage } from '../views/product-form.js';
import { csrfValid } from './csrf-guard.js';
import { pendingIdFrom, pendingToken } from './pending-token.js';
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
  return {
    ...(await productSummary(urls, p, DETAIL_IMAGE_WIDTH)),
    description: p.description === '' ? null : p.description,
    stockQuantity: p.stock_quantity,
  };
}

export const EMPTY_VALUES: ProductFormValues = { name: '', sku: '', uom_id: '1', sale_price: '', description: '' };

/** The form filled with a stored product; with the page's locale and currency the price reads as people write it ("1.234,50"). */
export function valuesOf(p: ProductView, price?: { locale: Locale; currency: string }): ProductFormValues {
  const salePrice = price === undefined ? p.sale_price : formatPriceInput(p.sale_price, priceFormatFor(price.locale, price.currency));
  const stock_quantity = p.stock_quantity === null ? '' : String(p.stock_quantity);
  return { name: p.name, sku: p.sku, uom_id: String(p.uom_id), sale_price: salePrice, description: p.description, stock_quantity };
}

function typedValues(fields: Record<string, string>): ProductFormValues {
  const v = (name: keyof ProductFormValues) => fields[name] ?? '';
  return {
    name: v('name'),
    sku: v('sku'),
    uom_id: v('uom_id') || '1',
    sale_price: v('sale_price'),
    description: v('description'),
    stock_quantity: v('stock_quantity'),
  };
}

export interface FormState {
  mode: 'new' | 'edit';
  /** Edit only: the product as stored (id, name for the title, current image). */
  product?: ProductView | undefined;
  values: ProductFormValues;
  errors?: ProductFieldErrors | undefined;
  removeImage?: boolean | undefined;
  flash?: readonly Flash[] | undefined;
  /** An image kept from a refused submit of this form. */
  pending?: PendingUploadView | undefined;
  /** The list to return to (validated, http/list-query.ts): kept in a hidden field, and after the save. */
  back?: string | undefined;
  /** The trashed product that holds the typed SKU (its id). */
  skuInTrash?: string | undefined;
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
    pending: state.pending,
    back: state.back,
    skuInTrash: state.skuInTrash,
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
  stock_invalid: 'stock.invalid',
  stock_too_large: 'stock.too_large',
};

/** A refused image as the page says it: the flash (and the message beside the file input). */
function imageProblem(err: AppError, maxPixels: number): Msg {
  const type = /^File type not allowed: (.+)$/.exec(err.message);
  if (err.code === 'UnsupportedMediaType' && type && isHeicType(type[1]!)) return msg('uploads.heic');
  if (err.code === 'UnsupportedMediaType' && type) return msg('flash.file_type_not_allowed', { type: type[1]! });
  if (/^The file is empty/.test(err.message)) return msg('error.image_empty');
  if (/too many pixels|too large: \d+×\d+|more pixels/.test(err.message))
    return msg('error.image_too_many_pixels', { limit: Math.round(maxPixels / 1e6) });
  if (/damaged|incomplete/.test(err.message)) return msg('error.image_damaged');
  if (err.message.startsWith(TOO_SLOW_MESSAGE)) return msg('error.image_too_slow');
  return err.message;
}

type SaveProduct = (input: ProductInput, image: ImageSource | undefined, removeImage: boolean) => Promise<Product>;
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
  const back = backHref(body.fields.back);
  // The image kept from this form's last refused submit, if any (pending-uploads.ts): shown again on every refusal.
  let pending: PendingUpload | undefined;
  const pendingForm = formOf(request, form);
  // A duplicate SKU held by a trashed product: the form links to it in the trash.
  let skuInTrash: string | undefined;
  // A refusal for the fields shows the error summary alone (it lists each problem); a flash is for
  // what the summary does not say (the CSRF check, a busy server) and for the first app's file messages.
  const again = (errors: ProductFieldErrors, flash: Msg | null, status = 200) =>
    renderProductForm(
      rt,
      request,
      reply,
      {
        ...form,
        values,
        errors,
        removeImage,
        flash: flash === null ? [] : [{ kind: 'error', message: flash }],
        pending: pendingView(rt, pendingForm, pending),
        back,
        skuInTrash,
      },
      status,
    );

  if (!csrfValid(request, rt.pages.secret, body.fields._csrf)) return again({}, msg('error.csrf'), 403);
  const chosen = await chosenPending(rt, pendingForm, body.fields);
  pending = chosen.upload;
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

  const currency = request.account?.currency ?? DEFAULT_CURRENCY;
  // The form reads the price as the page's language writes it ("1.234,50"); the API keeps "1234.50".
  const parsed = parseProductInput(body.fields, { priceFormat: priceFormatFor(request.locale, currency) });
  // A kept image that is no longer there (used, expired, someone else's token) and no new file: say so, beside any other problem.
  const gone = image === undefined && chosen.gone;
  if (!parsed.ok || gone) {
    // An image's own problem is said first, as for a form whose fields are all right.
    if (image !== undefined) {
      const refusal = await refusalOf(image.inspection);
      if (refusal !== undefined) return refused(refusal, image.bytes.length);
      pending = await keepImage(rt, request, pendingForm, image, pending);
    }
    const errors: ProductFieldErrors = gone ? { image: msg('uploads.pending_gone') } : {};
    if (!parsed.ok) {
      for (const [field, code] of Object.entries(parsed.codes))
        errors[field as keyof ProductFieldErrors] =
          code === 'price_invalid' ? priceProblem(request.locale, currency) : msg(FIELD_KEYS[code]);
      // The unit is otherwise checked by the save, which a refused form never reaches: list it with the rest.
      if (errors.uom_id === undefined && !(await rt.catalog.listUnits()).some((u) => String(u.id) === values.uom_id))
        errors.uom_id = msg('error.uom_invalid');
    }
    return again(errors, null);
  }

  // A new file always wins over the kept one, which is then let go once the product is saved.
  const source: ImageSource | undefined =
    image ?? (pending === undefined ? undefined : { pending: { ...pendingForm, id: pending.id }, at: rt.uploads.pending.now() });
  const fieldRefused = async (errors: ProductFieldErrors) => {
    if (image !== undefined) pending = await keepImage(rt, request, pendingForm, image, pending);
    return again(errors, null);
  };
  let product: Product;
  try {
    product = await save(parsed.value, source, removeImage);
  } catch (err) {
    if (image !== undefined && err === (await refusalOf(image.inspection))) return refused(err, image.bytes.length);
    if (err instanceof SkuInTrashError) {
      skuInTrash = String(err.trashedProductId);
      return fieldRefused({ sku: msg('trash.sku_in_trash') });
    }
    if (isAppError(err, 'Conflict')) return fieldRefused({ sku: msg('error.sku_taken') });
    if (isAppError(err, 'Unprocessable') && err.message === PENDING_GONE_MESSAGE) {
      pending = undefined;
      return again({ image: msg('uploads.pending_gone') }, null);
    }
    if (isAppError(err, 'Unprocessable') && /unit/i.test(err.message)) return fieldRefused({ uom_id: msg('error.uom_invalid') });
    if (isAppError(err, 'StoreUnreachable') || isAppError(err, 'Unavailable')) {
      rt.metrics.count('uploads', { outcome: 'failed' });
      request.log.error({ err, event: 'refused' }, 'upload could not be stored');
      return again({ image: msg('error.upload_unavailable') }, msg('error.upload_unavailable'), 503);
    }
    throw err;
  }
  if (image !== undefined && pending !== undefined) await letGo(rt, request, pendingForm, pending);
  const flash = msg(form.mode === 'new' ? 'flash.product_created' : 'flash.product_updated');
  return redirectWithFlash(rt.pages, reply, withBack(`/products/${product.id}`, back), { kind: 'success', message: flash });
}

/** Which form a post is: 'new', or the product being edited; and whose. */
function formOf(request: FastifyRequest, form: FormTarget): PendingForm {
  const account = request.account!;
  return { tenantId: account.tenantId, userId: account.userId, form: form.product === undefined ? 'new' : String(form.product.id) };
}

/**
 * The kept image the form names (hidden `pending_upload`), unless `discard_pending` lets go of it.
 * `gone`: a token was sent but names nothing usable (used, expired, another user's or form's).
 */
async function chosenPending(
  rt: ProductFormDeps,
  form: PendingForm,
  fields: Record<string, string>,
): Promise<{ upload: PendingUpload | undefined; gone: boolean }> {
  const token = fields.pending_upload;
  if (token === undefined || token === '') return { upload: undefined, gone: false };
  const id = pendingIdFrom(rt.pages.secret, token, form);
  if (fields.discard_pending === '1') {
    if (id !== undefined) await rt.uploads.pending.discard({ ...form, id });
    return { upload: undefined, gone: false };
  }
  const upload = id === undefined ? undefined : await rt.uploads.pending.find({ ...form, id });
  return { upload, gone: upload === undefined };
}

/**
 * Keeps a new image that passed its checks for the form's next submit, letting go of the one
 * kept before. A store that cannot take it only means the owner chooses the file again.
 */
async function keepImage(
  rt: ProductFormDeps,
  request: FastifyRequest,
  form: PendingForm,
  image: ImageUpload,
  before: PendingUpload | undefined,
): Promise<PendingUpload | undefined> {
  if (before !== undefined) await letGo(rt, request, form, before);
  try {
    return await rt.uploads.pending.keep(form, image);
  } catch (err) {
    request.log.warn({ err, tenantId: form.tenantId }, 'could not keep the upload for its form');
    return undefined;
  }
}

async function letGo(rt: ProductFormDeps, request: FastifyRequest, form: PendingForm, upload: PendingUpload): Promise<void> {
  await rt.uploads.pending
    .discard({ ...form, id: upload.id })
    .catch((err: unknown) => request.log.warn({ err, key: upload.key }, 'could not let go of a pending upload; it expires anyway'));
}

function pendingView(rt: Pick<Services, 'pages'>, form: PendingForm, upload: PendingUpload | undefined): PendingUploadView | undefined {
  if (upload === undefined) return undefined;
  return {
    token: pendingToken(rt.pages.secret, { ...form, id: upload.id }),
    src: `/uploads/pending/${upload.id}`,
    fileName: upload.original_name,
    width: upload.width,
    height: upload.height,
  };
}
