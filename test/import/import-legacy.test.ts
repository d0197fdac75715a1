/**
 * `vitrina import legacy` as an operator runs it (the real binary, PostgreSQL, the test RGW as
 * Vitrina's store), on a folder and a CSV shaped like the old Flask app's; the old app's
 * bucket is a second bucket on the same RGW, and a plain HTTP server stands for a public one.
 * Then the importer in-process on PGlite and the local store.
 */
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLegacy } from '../../src/catalog/legacy-import/import-legacy.js';
import { parseLegacyCsv } from '../../src/catalog/legacy-import/legacy-csv.js';
import { legacyImageSource } from '../../src/catalog/legacy-import/legacy-images.js';
import { silentLogger } from '../../src/logger.js';
import { insertTenant } from '../../src/tenancy/tenants.repository.js';
import { makeImage } from '../media/media-fixtures.js';
import { startTestApp } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { vitrina } from '../support/run-cli.js';
import { createS3RawInspector } from '../storage/s3-raw-inspector.js';
import { createBucket, destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from '../storage/s3-test-env.js';

let database: TestDatabase;
let dir: string;
let uploads: string;
let env: Record<string, string>;
let tenantId: number;
let http: Server;
let httpBase: string;
const store = uniqueBucketName('imp-store');
const legacy = uniqueBucketName('imp-legacy');
const admin = rawS3Client(testS3Config());

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  dir = await mkdtemp(path.join(tmpdir(), 'vitrina-import-'));
  uploads = path.join(dir, 'static', 'uploads');
  await mkdir(path.join(uploads, 'products'), { recursive: true });
  await writeFile(path.join(uploads, 'products', '1738204800_martillo.jpg'), await makeImage('jpeg', 900, 600));
  await writeFile(path.join(uploads, 'products', '1738204801_clavos.png'), await makeImage('png', 400, 300));
  await writeFile(path.join(uploads, 'logo.webp'), await makeImage('webp', 300, 300));
  await writeFile(path.join(uploads, 'products', 'manual.pdf'), '%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
  const jpeg = await makeImage('jpeg', 640, 480);
  await writeFile(path.join(uploads, 'products', 'cut.jpg'), jpeg.subarray(0, jpeg.length >> 1));
  await writeFile(path.join(uploads, 'products', 'huge.jpg'), Buffer.concat([jpeg, Buffer.alloc(1_600_000)]));
  await writeFile(path.join(dir, 'secret.jpg'), jpeg);

  // The old app's bucket (private) with one product image, as it stored them.
  await createBucket(admin, legacy);
  await admin.send(
    new PutObjectCommand({
      Bucket: legacy,
      Key: 'products/tenant_1/1738204900_sierra.jpg',
      Body: await makeImage('jpeg', 700, 500),
      ContentType: 'image/jpeg',
    }),
  );
  // A public web server with one more.
  const served = await makeImage('jpeg', 500, 400);
  http = createServer((req, res) => {
    if (req.url === '/uploads/products/1738205000_cinta.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(served);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const s3 = testS3Config();
  env = {
    DATABASE_URL: database.url!,
    DATA_DIR: path.join(dir, 'data'),
    STORAGE_DRIVER: 's3',
    S3_BUCKET: store,
    S3_ENDPOINT: s3.endpoint!,
    S3_REGION: s3.region,
    S3_ACCESS_KEY: s3.accessKeyId!,
    S3_SECRET_KEY: s3.secretAccessKey!,
    MAX_UPLOAD_SIZE: '1500000',
  };
  await writeFile(
    path.join(dir, 'old-app.env'),
    `S3_ENDPOINT=${s3.endpoint}\nS3_ACCESS_KEY=${s3.accessKeyId}\nS3_SECRET_KEY=${s3.secretAccessKey}\nS3_BUCKET=${legacy}\n`,
  );
  tenantId = (await insertTenant(database.db, { name: 'Ferretería', slug: 'ferreteria' })).id;
  await database.db
    .insertInto('products')
    .values({ tenant_id: tenantId, sku: 'APP-1', name: 'Made in the app', sale_price: '1.00' })
    .execute();
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => http?.close(resolve));
  for (const b of [store, legacy]) await destroyBucket(admin, b).catch(() => undefined);
  admin.destroy();
  await database?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

function csv(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

describe('vitrina import legacy', () => {
  it('refuses bad options and unreadable CSVs with exit code 2 and one line', async () => {
    const file = path.join(dir, 'bad-header.csv');
    await writeFile(file, 'name,code,price\nA,1,2\n');
    const open = path.join(dir, 'open-quote.csv');
    await writeFile(open, 'name,sku,uom,sale_price,image_path\n"Martillo,HAM-1,unit,1,\n');
    const cases: [string[], RegExp][] = [
      [['--tenant', '1'], /--csv FILE is required/],
      [['--csv', file], /--tenant ID is required/],
      [['--csv', file, '--tenant', 'x1'], /--tenant must be a tenant id/],
      [['--csv', path.join(dir, 'nope.csv'), '--tenant', '1'], /cannot read .*nope\.csv: no such file/],
      [['--csv', file, '--tenant', '1'], /bad-header\.csv: the CSV header has no sku, sale_price column/],
      [['--csv', open, '--tenant', '1'], /open-quote\.csv: the CSV is malformed: Quote Not Closed/],
      [['--csv', open, '--tenant', '1', '--source-access-key', 'only-half'], /source S3 settings: S3_SECRET_KEY must be set together/],
    ];
    for (const [args, message] of cases) {
      const run = await vitrina(['import', 'legacy', ...args], env);
      expect([run.code, run.stdout], args.join(' ')).toEqual([2, '']);
      expect(run.stderr, args.join(' ')).toMatch(new RegExp(`^vitrina import legacy: [^\\n]*${message.source}[^\\n]*\\n$`));
    }
    const missingTenant = path.join(dir, 'ok.csv');
    await writeFile(missingTenant, 'name,sku,uom,sale_price,image_path\nA,A-1,unit,1,\n');
    const run = await vitrina(['import', 'legacy', '--csv', missingTenant, '--tenant', '999999'], env);
    expect([run.code, run.stderr]).toEqual([2, 'vitrina import legacy: there is no tenant with id 999999.\n']);
  }, 60_000);

  it('imports the good rows with processed images, reports every bad row with its line, and a rerun skips what is done', async () => {
    const file = path.join(dir, 'products.csv');
    await writeFile(
      file,
      csv([
        'name,sku,uom,sale_price,image_path',
        'Martillo,HAM-1,unit,12.50,1738204800_martillo.jpg', // 2: bare name, found in products/
        'Clavos 1 kg,NAIL-1,Kilogram,"3,75",products/1738204801_clavos.png', // 3: relative path, unit by name
        'Logo,LOGO-1,BOX,1,logo.webp', // 4: bare name in the folder itself, unit code in capitals
        `Sierra,SAW-1,unit,30,http://127.0.0.1:${new URL(testS3Config().endpoint!).port}/${legacy}/products/tenant_1/1738204900_sierra.jpg`, // 5: the old S3
        `Cinta,TAPE-1,m,4.20,${'HTTPBASE'}/uploads/products/1738205000_cinta.jpg`, // 6: a public URL
        'Sin imagen,PLAIN-1,,7,', // 7: no image, default unit
        'Manual,DOC-1,unit,1.00,manual.pdf', // 8: not an image
        'Roto,CUT-1,unit,1.00,cut.jpg', // 9: truncated
        'Enorme,BIG-1,unit,1.00,huge.jpg', // 10: over MAX_UPLOAD_SIZE
        'Precio malo,BADP-1,unit,12.345,', // 11
        'Otro martillo,ham-1,unit,9.00,', // 12: duplicate SKU (case-insensitive)
        'Barril,BRL-1,barrel,1.00,', // 13: unknown unit
        ',NONAME-1,unit,1.00,', // 14: no name
        'Sin SKU,,unit,1.00,', // 15: no SKU
        'Falta,MISS-1,unit,1.00,missing.jpg', // 16: not found
        'Escape,ESC-1,unit,1.00,../secret.jpg', // 17: outside the uploads folder
        'Ya existe,APP-1,unit,1.00,', // 18: made in the app
        `Perdida,GONE-1,unit,1.00,http://127.0.0.1:${new URL(testS3Config().endpoint!).port}/${legacy}/products/tenant_1/nope.jpg`, // 19
        '"Pintura, blanca', // 20-21: a quoted field over two lines
        '4 l",PAINT-1,l,20,',
        'Corta,SHORT-1,unit', // 22: too few fields
      ]).replace('HTTPBASE', httpBase),
    );
    // The "public" web server is on loopback: allowed on purpose (import-legacy-network.test.ts refuses it without the flag).
    const args = [
      'import',
      'legacy',
      '--csv',
      file,
      '--uploads',
      uploads,
      '--tenant',
      String(tenantId),
      '--source-env',
      path.join(dir, 'old-app.env'),
      '--allow-private-network',
    ];
    const expectedRefusals = [
      /^ {4}line 8 \(SKU DOC-1\): image "manual\.pdf": File type not allowed: application\/pdf$/m,
      /^ {4}line 9 \(SKU CUT-1\): image "cut\.jpg": The image is damaged or incomplete/m,
      /^ {4}line 10 \(SKU BIG-1\): image "huge\.jpg": File too large\. Maximum 1\.4 MB$/m,
      /^ {4}line 11 \(SKU BADP-1\): sale_price: Enter a price such as 19\.99/m,
      /^ {4}line 12 \(SKU ham-1\): duplicate SKU "ham-1" \(first on line 2\)$/m,
      /^ {4}line 13 \(SKU BRL-1\): uom: unknown unit "barrel" \(use one of unit, kg, g, l, ml, m, box, pack\)$/m,
      /^ {4}line 14 \(SKU NONAME-1\): name: Enter a name\.$/m,
      /^ {4}line 15: sku: Enter a SKU\.$/m,
      /^ {4}line 16 \(SKU MISS-1\): image "missing\.jpg": image file "missing\.jpg" not found/m,
      /^ {4}line 17 \(SKU ESC-1\): image "\.\.\/secret\.jpg": image path "\.\.\/secret\.jpg" goes outside the uploads folder$/m,
      /^ {4}line 18 \(SKU APP-1\): SKU "APP-1" already exists in tenant \d+ \(made in the app, not imported\)/m,
      /^ {4}line 19 \(SKU GONE-1\): image "[^"]+nope\.jpg": image [^ ]+ not found \(no object products\/tenant_1\/nope\.jpg in bucket/m,
      /^ {4}line 22 \(SKU SHORT-1\): the record has 3 fields, the header 5$/m,
    ];

    const dry = await vitrina([...args, '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(1);
    expect(dry.stdout).toMatch(/would import {2}7 \(5 with an image/);
    for (const line of expectedRefusals) expect(dry.stdout).toMatch(line);
    expect(await database.db.selectFrom('products').select('sku').execute()).toEqual([{ sku: 'APP-1' }]);

    const run = await vitrina(args, env);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^ {2}imported {2}7 \(5 with an image/m);
    expect(run.stdout).toMatch(/^ {2}refused {3}13$/m);
    for (const line of expectedRefusals) expect(run.stdout).toMatch(line);
    expect(run.stderr).toMatch(/vitrina import legacy: 20\/20 rows \(100%\)/);

    const products = await database.db
      .selectFrom('products as p')
      .innerJoin('units as u', 'u.id', 'p.uom_id')
      .leftJoin('assets as a', 'a.id', 'p.image_asset_id')
      .select(['p.sku', 'p.name', 'p.sale_price', 'u.code', 'a.status', 'a.variants', 'a.source_key', 'a.original_name'])
      .where('p.tenant_id', '=', tenantId)
      .orderBy('p.sku')
      .execute();
    expect(products.map((p) => [p.sku, p.code, p.sale_price, p.status])).toEqual([
      ['APP-1', 'unit', '1.00', null],
      ['HAM-1', 'unit', '12.50', 'ready'],
      ['LOGO-1', 'box', '1.00', 'ready'],
      ['NAIL-1', 'kg', '3.75', 'ready'],
      ['PAINT-1', 'l', '20.00', null],
      ['PLAIN-1', 'unit', '7.00', null],
      ['SAW-1', 'unit', '30.00', 'ready'],
      ['TAPE-1', 'm', '4.20', 'ready'],
    ]);
    expect(products.find((p) => p.sku === 'PAINT-1')!.name).toBe('Pintura, blanca 4 l');
    expect(products.find((p) => p.sku === 'HAM-1')!.original_name).toBe('1738204800_martillo.jpg');
    // Processed like an upload: variants in Vitrina's bucket, the upload's private copy gone.
    const raw = createS3RawInspector(admin, store);
    for (const p of products.filter((p) => p.status === 'ready')) {
      expect(p.source_key).toBeNull();
      expect(p.variants!.map((v) => v.name)).toContain('w160');
      for (const v of p.variants!) expect((await raw.read(v.key))?.length).toBe(v.bytes);
    }
    expect((await raw.listKeys('t/')).filter((k) => k.includes('/incoming/'))).toEqual([]);

    const again = await vitrina(args, env);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^ {2}imported {2}0 /m);
    expect(again.stdout).toMatch(/^ {2}skipped {3}7 \(imported before\)$/m);
    expect(await database.db.selectFrom('products').select('id').where('tenant_id', '=', tenantId).execute()).toHaveLength(8);
  }, 90_000);
});

describe('importLegacy in-process on PGlite and the local store', () => {
  it('imports a good CSV: every product with its processed image', async () => {
    const t = await startTestApp('pglite+local');
    try {
      const tenant = await insertTenant(t.runtime.db, { name: 'Local Shop', slug: 'local-shop' });
      const { rows } = parseLegacyCsv(
        csv([
          'NAME;SKU;UOM;SALE_PRICE;IMAGE_PATH',
          'Martillo;HAM-1;unit;12,50;products/1738204800_martillo.jpg',
          'Clavos;NAIL-1;g;0.10;1738204801_clavos.png',
        ]),
      );
      const images = legacyImageSource({ uploadsDir: uploads, maxBytes: t.config.maxUploadSize, logger: silentLogger });
      const report = await importLegacy(
        {
          catalog: t.runtime.catalog,
          processing: { db: t.runtime.db, logger: silentLogger, media: t.config.media, stores: t.runtime.stores },
          media: t.config.media,
        },
        { tenantId: tenant.id, rows, source: 'products.csv', images },
      );
      expect(report.refused).toEqual([]);
      expect(report.outcomes.map((o) => [o.line, o.kind, o.kind === 'imported' ? o.image : undefined])).toEqual([
        [2, 'imported', 'ready'],
        [3, 'imported', 'ready'],
      ]);
      const assets = await t.runtime.db.selectFrom('assets').selectAll().where('tenant_id', '=', tenant.id).execute();
      expect(assets.map((a) => a.status)).toEqual(['ready', 'ready']);
      for (const a of assets) for (const v of a.variants) expect((await t.raw.read(v.key))?.length).toBe(v.bytes);
      const recorded = await t.runtime.db.selectFrom('legacy_imports').select(['sku_key', 'source']).orderBy('sku_key').execute();
      expect(recorded).toEqual([
        { sku_key: 'ham-1', source: 'products.csv:2' },
        { sku_key: 'nail-1', source: 'products.csv:3' },
      ]);

      // A SKU whose product is in the trash is refused with where it is, not as made in the app.
      await t.runtime.db.updateTable('products').set({ deleted_at: new Date() }).where('sku', '=', 'HAM-1').execute();
      const again = await importLegacy(
        {
          catalog: t.runtime.catalog,
          processing: { db: t.runtime.db, logger: silentLogger, media: t.config.media, stores: t.runtime.stores },
          media: t.config.media,
        },
        {
          tenantId: tenant.id,
          rows: parseLegacyCsv(csv(['NAME;SKU;UOM;SALE_PRICE', 'Martillo;ham-1;unit;12,50'])).rows,
          source: 'again.csv',
          images,
        },
      );
      expect(again.refused.map((r) => r.reason)).toEqual([
        `SKU "ham-1" belongs to a product in tenant ${tenant.id}'s trash; restore it or delete it forever in the app, then run the import again`,
      ]);
      await images.close();
    } finally {
      await t.close();
    }
  }, 60_000);
});
