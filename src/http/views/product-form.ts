/**
 * GET/POST /products/new and /products/{id}/edit: one form for both. It is a plain multipart
 * form that works without JavaScript; `data-*` hooks let public/app.js add drag and drop,
 * a preview, a client-side size/type check (same texts as the server, carried in data
 * attributes so they are already translated) and a progress bar.
 */
import { formatBytes, priceHint, resolveMsg, t, unitLabel } from '../i18n/index.js';
import { withBack } from '../list-query.js';
import { csrfField, describedBy, errorId, errorSummary, fieldError, hintId, inputField, type SummaryEntry } from './fields.js';
import { html, type SafeHtml } from './html.js';
import { brokenImageNote, productImage } from './image.js';
import { layout } from './layout.js';
import type { ProductFormModel } from './types.js';

export function productFormPage(model: ProductFormModel): string {
  const { locale } = model.page;
  const { values, errors } = model;
  const title =
    model.mode === 'new' ? t(locale, 'form.new_title') : t(locale, 'form.edit_title', { name: model.productName ?? values.name });
  const cancelHref =
    model.mode === 'edit' && model.productId
      ? withBack(`/products/${encodeURIComponent(model.productId)}`, model.back)
      : (model.back ?? '/products');
  const size = formatBytes(model.upload.maxBytes, locale);
  const body = html`<h1>${title}</h1>
${errorSummary(locale, summaryEntries(errors), t(locale, 'errors.summary_title'))}
<form method="post" enctype="multipart/form-data" action="${model.action}" class="stack product-form" data-upload-form
  data-msg-too-large="${t(locale, 'flash.file_too_large', { size })}"
  data-msg-type="${t(locale, 'flash.file_type_not_allowed', { type: '{type}' })}"
  data-msg-heic="${t(locale, 'uploads.heic')}"
  data-msg-uploading="${t(locale, 'form.uploading', { percent: '{percent}' })}"
  data-msg-processing="${t(locale, 'form.processing')}"
  data-msg-failed="${t(locale, 'form.upload_failed')}"
  data-msg-chosen="${t(locale, 'form.file_chosen', { name: '{name}' })}">
  ${csrfField(model.page.csrfToken)}
  ${model.back === undefined ? '' : html`<input type="hidden" name="back" value="${model.back}">`}
  ${inputField(locale, { id: 'name', name: 'name', label: t(locale, 'form.name'), value: values.name, error: errors.name, required: true, maxlength: 200 })}
  ${inputField(locale, { id: 'sku', name: 'sku', label: t(locale, 'form.sku'), value: values.sku, error: errors.sku, required: true, maxlength: 64, autocomplete: 'off' })}
  ${model.skuInTrash === undefined ? '' : html`<p class="field-action"><a href="/products/trash#trashed-${model.skuInTrash}">${t(locale, 'trash.open_trash')}</a></p>`}
  ${unitSelect(model)}
  ${inputField(locale, { id: 'sale_price', name: 'sale_price', label: t(locale, 'form.sale_price'), value: values.sale_price, error: errors.sale_price, hint: priceHint(locale, model.page.session?.currency), required: true, inputmode: 'decimal', autocomplete: 'off' })}
  ${inputField(locale, { id: 'stock_quantity', name: 'stock_quantity', label: `${t(locale, 'stock.label')} ${t(locale, 'form.optional')}`, value: values.stock_quantity ?? '', error: errors.stock_quantity, hint: t(locale, 'stock.hint'), inputmode: 'numeric', autocomplete: 'off', maxlength: 20 })}
  <div class="field${errors.description ? ' has-error' : ''}">
    <label for="description">${t(locale, 'form.description')} <span class="optional">${t(locale, 'form.optional')}</span></label>
    <textarea id="description" name="description" rows="4"${describedBy('description', false, Boolean(errors.description))}>${values.description}</textarea>
    ${fieldError(locale, 'description', errors.description)}
  </div>
  ${imageField(model, size)}
  <div class="actions">
    <button type="submit" class="button primary" data-submit>${t(locale, model.mode === 'new' ? 'form.create' : 'form.save')}</button>
    <a class="button" href="${cancelHref}">${t(locale, 'form.cancel')}</a>
  </div>
</form>`;
  return layout(model.page, title, body);
}

/** The order of the form's fields; each field's id is its name. A field not listed comes last. */
const FIELD_ORDER = ['name', 'sku', 'uom_id', 'sale_price', 'stock_quantity', 'description', 'image'];

/** The error summary's lines, in the order of the fields, each linking to its field. */
function summaryEntries(errors: ProductFormModel['errors']): SummaryEntry[] {
  const rank = (id: string) => (FIELD_ORDER.includes(id) ? FIELD_ORDER.indexOf(id) : FIELD_ORDER.length);
  return Object.entries(errors)
    .filter((entry): entry is [string, NonNullable<(typeof entry)[1]>] => entry[1] !== undefined)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([id, message]) => ({ id, message }));
}

function unitSelect(model: ProductFormModel): SafeHtml {
  const { locale } = model.page;
  const error = model.errors.uom_id;
  const options = model.units.map(
    (u) =>
      html`<option value="${String(u.id)}"${String(u.id) === model.values.uom_id ? html` selected` : ''}>${unitLabel(locale, u.code)}</option>`,
  );
  return html`<div class="field${error ? ' has-error' : ''}">
    <label for="uom_id">${t(locale, 'form.uom')}</label>
    <select id="uom_id" name="uom_id" required${describedBy('uom_id', false, Boolean(error))}>${options}</select>
    ${fieldError(locale, 'uom_id', error)}
  </div>`;
}

function imageField(model: ProductFormModel, size: string): SafeHtml {
  const { locale } = model.page;
  const error = model.errors.image;
  const current = model.mode === 'edit' && model.currentImage && model.currentImage.status !== 'none' ? model.currentImage : undefined;
  const { pending } = model;
  return html`<fieldset class="field image-field${error ? ' has-error' : ''}">
    <legend>${t(locale, 'form.image')}${model.mode === 'edit' ? html` <span class="optional">${t(locale, 'form.optional')}</span>` : ''}</legend>
    ${
      current
        ? html`<figure class="current-image">
      <span class="image-slot" data-image-slot="current-${model.productId ?? ''}">${productImage(locale, current, { alt: t(locale, 'form.current_image'), sizes: '240px', className: 'thumb' })}</span>
      <figcaption>${t(locale, 'form.current_image')}</figcaption>
    </figure>
    ${current.status === 'broken' ? brokenNote(model) : ''}
    <div class="checkbox">
      <input type="checkbox" id="remove_image" name="remove_image" value="1"${model.removeImage ? html` checked` : ''}>
      <label for="remove_image">${t(locale, 'form.remove_image')}</label>
    </div>`
        : ''
    }
    ${pending === undefined ? '' : pendingBlock(model, pending)}
    <div class="dropzone" data-dropzone>
      <label for="image"><span class="drop-text">${pending === undefined ? t(locale, 'form.drop_here') : t(locale, 'uploads.change_label')}</span><span class="choose-button">${pending === undefined ? t(locale, 'uploads.choose_photo') : t(locale, 'uploads.change')}</span></label>
      <input id="image" name="image" type="file" accept="${model.upload.allowedTypes.join(',')}"
        data-max-bytes="${model.upload.maxBytes}" data-allowed-types="${model.upload.allowedTypes.join(',')}"${describedBy('image', true, Boolean(error))}>
      <p class="hint" id="${hintId('image')}">${t(locale, 'form.image_hint', { size })}</p>
      <img class="preview" hidden data-preview alt="${t(locale, 'form.preview_alt')}">
    </div>
    <p class="field-error" id="${errorId('image')}" data-file-error${error ? '' : html` hidden`}>${error ? resolveMsg(locale, error) : ''}</p>
    <progress data-progress hidden max="100" value="0"></progress>
    <p class="upload-status" data-upload-status aria-live="polite"></p>
  </fieldset>`;
}

/**
 * The image kept from a refused submit: its thumbnail (served to its owner only), its name, and
 * the token that names it. "Change" is the file input below (a new file always wins); "Remove"
 * is a plain checkbox, so both work without JavaScript.
 */
function pendingBlock(model: ProductFormModel, pending: NonNullable<ProductFormModel['pending']>): SafeHtml {
  const { locale } = model.page;
  return html`<div class="pending-image" data-pending>
      <input type="hidden" name="pending_upload" value="${pending.token}">
      <figure>
        <img class="pending-thumb" src="${pending.src}" width="${pending.width}" height="${pending.height}" alt="${t(locale, 'uploads.kept_alt', { name: pending.fileName })}">
        <figcaption><strong>${t(locale, 'uploads.kept_title')}</strong> <span class="file-name">${t(locale, 'uploads.kept_name', { name: pending.fileName })}</span> <span>${t(locale, 'uploads.kept_note')}</span></figcaption>
      </figure>
      <div class="checkbox">
        <input type="checkbox" id="discard_pending" name="discard_pending" value="1" data-pending-remove>
        <label for="discard_pending">${t(locale, 'uploads.remove_label')}</label>
      </div>
    </div>`;
}

/** A processing failure, said beside the current image, with the way out (choose a new file below). */
function brokenNote(model: ProductFormModel): SafeHtml {
  const reason = model.currentImage?.status === 'broken' ? model.currentImage.reason : undefined;
  return brokenImageNote(model.page.locale, reason, '#image');
}
