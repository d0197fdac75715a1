/**
 * `vitrina import legacy` and the network (finding 5 of issue 13), the real binary against
 * PostgreSQL, the local store and plain HTTP servers on 127.0.0.1: URLs inside the machine or
 * its network are refused row by row (and never requested) unless --allow-private-network is
 * given, and the old app's credentials reach its configured S3 endpoint only.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTenant } from '../../src/tenancy/tenants.repository.js';
import { makeImage } from '../media/media-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { vitrina } from '../support/run-cli.js';

interface Recorder {
  server: Server;
  base: string;
  requests: { url: string; headers: IncomingHttpHeaders }[];
}

let database: TestDatabase;
let dir: string;
let env: Record<string, string>;
let tenantId: number;
let image: Buffer;
/** A public web server (a CDN, another host the CSV names). */
let foreign: Recorder;
/** Stands for the old app's S3 endpoint: answers any GET with the image, as GetObject would. */
let oldS3: Recorder;

async function recorder(): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': image.length }).end(image);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  dir = await mkdtemp(path.join(tmpdir(), 'vitrina-import-net-'));
  image = await makeImage('jpeg', 320, 240);
  foreign = await recorder();
  oldS3 = await recorder();
  env = { DATABASE_URL: database.url!, DATA_DIR: path.join(dir, 'data'), STORAGE_DRIVER: 'local' };
  tenantId = (await insertTenant(database.db, { name: 'Red', slug: 'red' })).id;
}, 60_000);

afterAll(async () => {
  for (const r of [foreign, oldS3]) await new Promise((resolve) => r?.server.close(resolve));
  await database?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function csvFile(name: string, rows: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${['name,sku,uom,sale_price,image_path', ...rows].join('\n')}\n`);
  return file;
}

const HINT = '; use --allow-private-network to import from your own network';

describe('vitrina import legacy and the network', () => {
  it('refuses image URLs on loopback, private and metadata addresses row by row, requesting none, and imports the rest', async () => {
    const port = new URL(foreign.base).port;
    const file = await csvFile('inside.csv', [
      `Loopback,IN-1,unit,1,http://127.0.0.1:${port}/a.jpg`,
      `Decimal,IN-2,unit,1,http://2130706433:${port}/a.jpg`,
      `Hex,IN-3,unit,1,http://0x7f.1:${port}/a.jpg`,
      `Localhost,IN-4,unit,1,http://localhost:${port}/a.jpg`,
      `Mapped,IN-5,unit,1,http://[::ffff:127.0.0.1]:${port}/a.jpg`,
      'Metadata,IN-6,unit,1,http://169.254.169.254/latest/meta-data/iam/security-credentials/x.jpg',
      'Private,IN-7,unit,1,http://10.0.0.1/a.jpg',
      'Plain,IN-8,unit,1,',
    ]);
    const run = await vitrina(['import', 'legacy', '--csv', file, '--tenant', String(tenantId), '--no-progress'], env);
    expect(run.code, run.stderr).toBe(1);
    const refusals = [
      `line 2 (SKU IN-1): image "http://127.0.0.1:${port}/a.jpg": refused: 127.0.0.1 is a loopback address${HINT}`,
      `line 3 (SKU IN-2): image "http://2130706433:${port}/a.jpg": refused: 127.0.0.1 is a loopback address${HINT}`,
      `line 4 (SKU IN-3): image "http://0x7f.1:${port}/a.jpg": refused: 127.0.0.1 is a loopback address${HINT}`,
      `line 6 (SKU IN-5): image "http://[::ffff:127.0.0.1]:${port}/a.jpg": refused: ::ffff:7f00:1 (IPv4 127.0.0.1) is a loopback address${HINT}`,
      'line 7 (SKU IN-6): image "http://169.254.169.254/latest/meta-data/iam/security-credentials/x.jpg": refused: 169.254.169.254 is the cloud metadata address',
      `line 8 (SKU IN-7): image "http://10.0.0.1/a.jpg": refused: 10.0.0.1 is a private address${HINT}`,
    ];
    for (const line of refusals) expect(run.stdout).toContain(`    ${line}\n`);
    expect(run.stdout).toMatch(
      new RegExp(
        `^ {4}line 5 \\(SKU IN-4\\): image "http://localhost:${port}/a\\.jpg": refused: localhost resolves to (127\\.0\\.0\\.1|::1), a loopback address; use --allow-private-network`,
        'm',
      ),
    );
    expect(run.stdout).toMatch(/^ {2}imported {2}1 /m);
    expect(run.stdout).toMatch(/^ {2}refused {3}7$/m);
    expect(foreign.requests).toEqual([]);
    expect(await database.db.selectFrom('products').select('sku').where('tenant_id', '=', tenantId).execute()).toEqual([{ sku: 'IN-8' }]);
  }, 60_000);

  it('never signs a request with the old credentials when no endpoint is given (loopback allowed on purpose)', async () => {
    foreign.requests.length = 0;
    const file = await csvFile('keys-no-endpoint.csv', [`Cinta,KEY-1,unit,1,${foreign.base}/uploads/products/tenant_1/cinta.jpg`]);
    const run = await vitrina(
      [
        'import',
        'legacy',
        '--csv',
        file,
        '--tenant',
        String(tenantId),
        '--no-progress',
        '--allow-private-network',
        '--source-access-key',
        'OLDAPPKEYID',
        '--source-secret-key',
        'old-app-secret',
      ],
      env,
    );
    expect([run.code, run.stdout]).toEqual([0, expect.stringMatching(/^ {2}imported {2}1 \(1 with an image/m)]);
    expect(foreign.requests.map((r) => [r.url, r.headers.authorization])).toEqual([['/uploads/products/tenant_1/cinta.jpg', undefined]]);
    expect(JSON.stringify(foreign.requests[0]!.headers)).not.toMatch(/OLDAPPKEYID|amz/i);
    expect(run.stderr).toContain("vitrina import legacy: the source credentials are not used: they go only to the old app's S3 endpoint");
  }, 60_000);

  it('signs requests to the configured endpoint only: a URL on another host is a plain GET', async () => {
    foreign.requests.length = 0;
    oldS3.requests.length = 0;
    const file = await csvFile('keys-endpoint.csv', [
      `Sierra,END-1,unit,1,${oldS3.base}/uploads/products/tenant_1/sierra.jpg`,
      `Cinta,END-2,unit,1,${foreign.base}/uploads/products/tenant_1/cinta.jpg`,
    ]);
    const args = ['import', 'legacy', '--csv', file, '--tenant', String(tenantId), '--no-progress', '--allow-private-network'];
    const run = await vitrina(
      [...args, '--source-endpoint', oldS3.base, '--source-access-key', 'OLDAPPKEYID', '--source-secret-key', 'old-app-secret'],
      env,
    );
    expect([run.code, run.stdout]).toEqual([0, expect.stringMatching(/^ {2}imported {2}2 \(2 with an image/m)]);
    expect(oldS3.requests.map((r) => [r.url.split('?')[0], r.headers.authorization?.match(/Credential=(\w+)\//)?.[1]])).toEqual([
      ['/uploads/products/tenant_1/sierra.jpg', 'OLDAPPKEYID'],
    ]);
    expect(foreign.requests.map((r) => [r.url, r.headers.authorization])).toEqual([['/uploads/products/tenant_1/cinta.jpg', undefined]]);
  }, 60_000);
});
