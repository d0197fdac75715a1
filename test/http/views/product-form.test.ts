import { describe, expect, it } from 'vitest';
import { msg } from '../../../src/http/i18n/index.js';
import { productFormPage } from '../../../src/http/views/product-form.js';
import { formModel, ids, page, readyImage, tagWithId } from './fixtures.js';

describe('productFormPage', () => {
  it('is a multipart form with exactly the contract field names', () => {
    const doc = productFormPage(formModel());
    expect(doc).toMatch(/<form method="post" enctype="multipart\/form-data" action="\/products\/new"/);
    for (const name of ['name', 'sku', 'uom_id', 'sale_price', 'description', 'image', '_csrf']) {
      expect(doc, name).toContain(`name="${name}"`);
    }
    expect(doc).toContain('<input type="hidden" name="_csrf" value="tok-123">');
    expect(doc).toMatch(/<textarea id="description" name="description"/);
    expect(tagWithId(doc, 'image')).toContain('accept="image/jpeg,image/png,image/gif,image/webp"');
    expect(tagWithId(doc, 'image')).toContain('data-max-bytes="2097152"');
    expect(tagWithId(doc, 'image')).toContain('data-allowed-types="image/jpeg,image/png,image/gif,image/webp"');
    expect(doc).not.toContain('remove_image');
  });

  it('labels every control', () => {
    const doc = productFormPage(formModel({ mode: 'edit', action: '/products/42/edit', productId: '42', currentImage: readyImage }));
    const controls = [...doc.matchAll(/<(?:input|select|textarea) ([^>]*)>/g)]
      .map((m) => m[1]!)
      .filter((a) => !a.includes('type="hidden"'));
    expect(controls.length).toBeGreaterThanOrEqual(7);
    for (const a of controls) {
      const id = /\bid="([^"]+)"/.exec(a)?.[1];
      expect(id, a).toBeTruthy();
      expect(doc, id).toContain(`<label for="${id}"`);
    }
  });

  it('keeps what was typed and ties each error to its field', () => {
    const doc = productFormPage(
      formModel({
        values: { name: 'Tea <b>', sku: 'TEA-1', uom_id: '7', sale_price: '12,3x', description: 'line 1\n"quoted"' },
        errors: { sku: msg('error.sku_taken'), sale_price: msg('error.price_invalid'), image: 'Bad image' },
      }),
    );
    expect(tagWithId(doc, 'name')).toContain('value="Tea &lt;b&gt;"');
    expect(tagWithId(doc, 'sku')).toContain('value="TEA-1"');
    expect(tagWithId(doc, 'sale_price')).toContain('value="12,3x"');
    expect(doc).toContain('<option value="7" selected>box</option>');
    expect(doc).toContain('>line 1\n&quot;quoted&quot;</textarea>');
    expect(tagWithId(doc, 'name')).not.toContain('aria-invalid');

    const all = ids(doc);
    for (const [field, text] of [
      ['sku', 'SKU already exists'],
      ['sale_price', 'Enter a price like 19.99'],
      ['image', 'Bad image'],
    ] as const) {
      const input = tagWithId(doc, field);
      expect(input, field).toContain('aria-invalid="true"');
      const describedBy = /aria-describedby="([^"]+)"/.exec(input)?.[1]?.split(' ') ?? [];
      expect(describedBy).toContain(`${field}-error`);
      for (const id of describedBy) expect(all.has(id), id).toBe(true);
      expect(doc).toMatch(new RegExp(`id="${field}-error"[^>]*>${text}<`));
    }
  });

  it('shows a page-level upload flash as an alert, in the chosen language', () => {
    const flash = [{ kind: 'error' as const, message: msg('flash.file_too_large', { size: '2.0 MB' }) }];
    expect(productFormPage(formModel({ page: page({ flash }) }))).toContain(
      '<p class="flash flash-error" role="alert">File too large. Maximum 2.0 MB</p>',
    );
    const es = productFormPage(formModel({ page: page({ locale: 'es', flash }) }));
    expect(es).toContain('role="alert">Archivo demasiado grande. Máximo 2.0 MB</p>');
    expect(es).toContain('<label for="name">Nombre</label>');
    expect(es).toContain('Crear producto');
  });

  it('has the hooks the script needs, with the translated client messages', () => {
    const doc = productFormPage(formModel());
    expect(doc).toContain('data-upload-form');
    expect(doc).toContain('data-dropzone');
    expect(doc).toMatch(/<img class="preview" hidden data-preview/);
    expect(doc).toContain('<progress data-progress hidden max="100" value="0"></progress>');
    expect(doc).toMatch(/data-upload-status aria-live="polite"/);
    expect(doc).toContain('data-msg-too-large="File too large. Maximum 2.0 MB"');
    expect(doc).toContain('data-msg-type="File type not allowed: {type}"');
  });

  it('on edit shows the current image and a remove_image checkbox', () => {
    const doc = productFormPage(
      formModel({
        mode: 'edit',
        action: '/products/42/edit',
        productId: '42',
        productName: 'Old & name',
        currentImage: readyImage,
        removeImage: true,
      }),
    );
    expect(doc).toContain('action="/products/42/edit"');
    expect(doc).toContain('<h1>Edit Old &amp; name</h1>');
    expect(doc).toContain('<input type="checkbox" id="remove_image" name="remove_image" value="1" checked>');
    expect(doc).toMatch(/<img class="thumb" src="https:\/\/cdn.example.com\/t\/1\/img\/a\/160.webp" srcset=/);
    expect(doc).toContain('href="/products/42"');
    expect(doc).toContain('Save changes');
  });
});
