import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { insertAsset } from '../../src/media/assets.repository.js';
import { normalizePrice } from '../../src/catalog/price.js';
import { parseProductInput } from '../../src/catalog/product-input.js';
import { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from '../../src/catalog/products.repository.js';
import { listUnits } from '../../src/catalog/units.repository.js';
import type { Db } from '../../src/db/schema.js';
import { isAppError } from '../../src/errors.js';
import { newAssetPrefix } from '../../src/storage/key-locator.js';
import { insertTenant } from '../../src/tenancy/tenants.repository.js';
import { BACKENDS, useTestDatabase } from '../support/database.js';

let seq = 0;
async function tenant(db: Db): Promise<number> {
  seq += 1;
  return (await insertTenant(db, { name: `T${seq}`, slug: `t-${seq}-${Date.now()}` })).id;
}

const base = { description: '', uomId: 1 };

async function error(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('prices', () => {
  it('are exact decimal strings', () => {
    expect(normalizePrice('19.99')).toBe('19.99');
    expect(normalizePrice('19.9')).toBe('19.90');
    expect(normalizePrice(' 007 ')).toBe('7.00');
    expect(normalizePrice('1,5')).toBe('1.50');
    expect(normalizePrice(0.1 + 0.2)).toBeUndefined();
    for (const bad of ['19.999', '-1', '1e3', 'abc', '', '12345678901']) expect(normalizePrice(bad)).toBeUndefined();
  });

  it('are checked with a message per field', () => {
    const r = parseProductInput({ name: '', sku: 'bad sku!', sale_price: '1.234', uom_id: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['name', 'sale_price', 'sku', 'uom_id']);
    const ok = parseProductInput({ name: ' Tea ', sku: 'T-1', sale_price: '4.5' });
    expect(ok).toEqual({ ok: true, value: { name: 'Tea', sku: 'T-1', description: '', uomId: 1, salePrice: '4.50' } });
    expect(parseProductInput({ sale_price: '3' }, { partial: true })).toEqual({ ok: true, value: { salePrice: '3.00' } });
  });
});

describe.each(BACKENDS)('products on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('lists the seeded units', async () => {
    expect((await listUnits(t.db)).map((u) => u.code)).toEqual(['unit', 'kg', 'g', 'l', 'ml', 'm', 'box', 'pack']);
  });

  it('create, get, update and delete within a tenant; the price stays exact', async () => {
    const a = await tenant(t.db);
    const p = await createProduct(t.db, a, { ...base, sku: 'TEA-1', name: 'Green tea', uomId: 2, salePrice: '19.99' });
    expect(p.sale_price).toBe('19.99');
    const got = await getProduct(t.db, a, p.id);
    expect(got).toMatchObject({ sku: 'TEA-1', name: 'Green tea', unit_code: 'kg', sale_price: '19.99', image: null });

    const updated = await updateProduct(t.db, a, p.id, { salePrice: '0.30', name: 'Green tea 2' });
    expect(updated?.sale_price).toBe('0.30');
    expect(updated!.updated_at.getTime()).toBeGreaterThanOrEqual(p.updated_at.getTime());
    expect(await deleteProduct(t.db, a, p.id)).toMatchObject({ id: p.id });
    expect(await getProduct(t.db, a, p.id)).toBeUndefined();
  });

  it('refuses an inexact price instead of rounding it', async () => {
    const a = await tenant(t.db);
    const err = await error(createProduct(t.db, a, { ...base, sku: 'P', name: 'P', salePrice: String(0.1 + 0.2) }));
    expect(isAppError(err, 'Unprocessable')).toBe(true);
  });

  it('keeps tenants apart: B cannot get, update or delete A’s product', async () => {
    const a = await tenant(t.db);
    const b = await tenant(t.db);
    const p = await createProduct(t.db, a, { ...base, sku: 'SECRET', name: 'A only', salePrice: '1.00' });
    expect(await getProduct(t.db, b, p.id)).toBeUndefined();
    expect(await updateProduct(t.db, b, p.id, { name: 'pwned' })).toBeUndefined();
    expect(await deleteProduct(t.db, b, p.id)).toBeUndefined();
    expect((await getProduct(t.db, a, p.id))?.name).toBe('A only');
    expect((await listProducts(t.db, b)).total).toBe(0);
  });

  it('allows one SKU in two tenants, refuses it twice in one (any case) with Conflict naming it', async () => {
    const a = await tenant(t.db);
    const b = await tenant(t.db);
    await createProduct(t.db, a, { ...base, sku: 'SKU-9', name: 'x', salePrice: '1' });
    await createProduct(t.db, b, { ...base, sku: 'SKU-9', name: 'x', salePrice: '1' });
    const err = await error(createProduct(t.db, a, { ...base, sku: 'sku-9', name: 'y', salePrice: '1' }));
    expect(isAppError(err, 'Conflict')).toBe(true);
    expect((err as Error).message).toContain('"sku-9"');

    const other = await createProduct(t.db, a, { ...base, sku: 'SKU-10', name: 'z', salePrice: '1' });
    const clash = await error(updateProduct(t.db, a, other.id, { sku: 'SKU-9' }));
    expect(isAppError(clash, 'Conflict')).toBe(true);
  });

  it('maps an unknown unit to Unprocessable', async () => {
    const a = await tenant(t.db);
    const err = await error(createProduct(t.db, a, { ...base, sku: 'U', name: 'u', uomId: 999, salePrice: '1' }));
    expect(isAppError(err, 'Unprocessable')).toBe(true);
  });

  it('searches name or SKU case-insensitively, treats % and _ literally, and paginates with a total', async () => {
    const a = await tenant(t.db);
    for (let i = 1; i <= 25; i++) {
      await createProduct(t.db, a, { ...base, sku: `BOLT-${String(i).padStart(2, '0')}`, name: `Bolt ${i}`, salePrice: '0.10' });
    }
    await createProduct(t.db, a, { ...base, sku: 'NUT-1', name: 'Hex nut 100%', salePrice: '0.05' });

    const page1 = await listProducts(t.db, a, { q: 'bolt', limit: 10 });
    expect(page1.total).toBe(25);
    expect(page1.items).toHaveLength(10);
    expect(page1.items[0]!.sku).toBe('BOLT-25');
    const page3 = await listProducts(t.db, a, { q: 'BOLT', limit: 10, offset: 20 });
    expect(page3.items.map((p) => p.sku)).toEqual(['BOLT-05', 'BOLT-04', 'BOLT-03', 'BOLT-02', 'BOLT-01']);
    expect((await listProducts(t.db, a, { q: 'nut-1' })).items.map((p) => p.name)).toEqual(['Hex nut 100%']);
    expect((await listProducts(t.db, a, { q: 'HEX NUT' })).total).toBe(1);
    expect((await listProducts(t.db, a, { q: '100%' })).total).toBe(1);
    expect((await listProducts(t.db, a, { q: '%' })).total).toBe(1);
    expect((await listProducts(t.db, a, { q: '_' })).total).toBe(0);
    expect((await listProducts(t.db, a)).total).toBe(26);
    expect((await listProducts(t.db, a, { offset: 100 })).items).toEqual([]);
  });

  it('joins the image and refuses another tenant’s asset', async () => {
    const a = await tenant(t.db);
    const b = await tenant(t.db);
    const id = uuidv7();
    const prefix = newAssetPrefix(a, id);
    await insertAsset(t.db, {
      id,
      tenantId: a,
      keyPrefix: prefix,
      contentType: 'image/jpeg',
      bytes: 1234,
      sha256: 'ab'.repeat(32),
      width: 40,
      height: 30,
      originalName: 'cat.jpg',
      variants: [{ name: 'w160', key: `${prefix}w160.webp`, width: 160, height: 120, bytes: 99, contentType: 'image/webp' }],
    });
    const p = await createProduct(t.db, a, { ...base, sku: 'IMG', name: 'with image', salePrice: '1', imageAssetId: id });
    const got = await getProduct(t.db, a, p.id);
    expect(got?.image).toMatchObject({ id, keyPrefix: prefix, status: 'ready', location: 'store', width: 40 });
    expect(got?.image?.variants[0]?.key).toBe(`${prefix}w160.webp`);

    const err = await error(createProduct(t.db, b, { ...base, sku: 'IMG', name: 'steal', salePrice: '1', imageAssetId: id }));
    expect(isAppError(err, 'Unprocessable')).toBe(true);
  });
});
