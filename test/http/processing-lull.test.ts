/**
 * Image processing runs in the lulls between the web server's requests (jobs/idle-gate.ts): an
 * upload is answered as soon as it is stored, and its image is processed once no request has
 * been in flight for a moment — on both stacks, through the pages.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../media/media-fixtures.js';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { productIdFrom, WebClient } from '../support/web-client.js';

describe.each(STACKS)('image processing and requests on %s', (stack) => {
  let t: TestApp;
  let web: WebClient;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp(stack);
    web = new WebClient(t.app);
    await web.signUp('Lull Shop', `lull-${stack}@shop.test`);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function upload(): Promise<string> {
    await web.get('/products/new');
    const fields = { name: 'Lamp', sku: `LAMP-${++seq}`, uom_id: '1', sale_price: '12.00', _csrf: web.csrf() };
    const res = await web.postMultipart('/products/new', fields, { name: 'lamp.jpg', bytes: await makeImage('jpeg', 640, 480), type: 'image/jpeg' });
    const row = await t.runtime.db.selectFrom('products').select('image_asset_id').where('id', '=', productIdFrom(res)).executeTakeFirstOrThrow();
    return row.image_asset_id!;
  }

  const statusOf = async (assetId: string) =>
    (await t.runtime.db.selectFrom('assets').select('status').where('id', '=', assetId).executeTakeFirstOrThrow()).status;

  it('counts every request while it is in flight, and calls a lull only after the last one', async () => {
    await web.get('/products');
    expect(t.runtime.activity.inFlight).toBe(0);
    // Right after a response the server is still in the same busy spell (a redirect may follow)…
    expect(t.runtime.activity.busy).toBe(true);
    expect(t.runtime.idleGate.isBusy).toBe(true);
    // …and in a lull soon after.
    await sleep(150);
    expect(t.runtime.activity.busy).toBe(false);
    expect(t.runtime.idleGate.isBusy).toBe(false);
  });

  it('leaves an upload waiting while a request is in flight, and processes it in the lull', async () => {
    const assetId = await upload();
    // A slow request (a large download, say) is still being answered.
    t.runtime.activity.begin();
    let drained = false;
    const draining = t.drain().then(() => (drained = true));
    await sleep(400);
    expect(drained).toBe(false);
    expect(await statusOf(assetId)).toBe('processing');
    t.runtime.activity.end();
    await draining;
    expect(await statusOf(assetId)).toBe('ready');
  });
});
