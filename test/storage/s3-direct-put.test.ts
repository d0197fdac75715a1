/**
 * Direct puts (direct-put.ts) on the test RGW: small buffered puts skip the SDK's stack and
 * arrive exactly as the SDK would have sent them; anything but a plain success goes through
 * the SDK after all, and fails as it would there. (The whole ObjectStore contract also runs
 * with direct puts: s3.contract.test.ts.)
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { freePort } from '../../src/free-port.js';
import { DirectPut } from '../../src/storage/s3/direct-put.js';
import { S3ObjectStore } from '../../src/storage/s3/s3-object-store.js';
import { isStorageError } from '../../src/storage/storage-error.js';
import { bytes } from './contract-helpers.js';
import { recordingClient } from './s3-recording-client.js';
import { createBucket, destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from './s3-test-env.js';

const s3 = testS3Config({ S3_BUCKET: uniqueBucketName('direct') });
const admin = rawS3Client(s3);
const { client, sent } = recordingClient(s3);
const store = new S3ObjectStore({ s3, signedUrlTtl: 60, client, directPuts: true });
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const sdkPuts = () => sent.filter((r) => r.command === 'PutObjectCommand').length;

beforeAll(() => createBucket(admin, s3.bucket));
afterAll(async () => {
  await store.close();
  client.destroy();
  await destroyBucket(admin, s3.bucket);
  admin.destroy();
});

it('sends a small buffered put without the SDK, with its type, cache and disposition headers and metadata, under a key that needs escaping', async () => {
  const key = "direct/a b!(c)*'d/üñ+%.jpg";
  const data = bytes(300_000);
  const before = { ...store.direct!.counts, sdk: sdkPuts() };
  const result = await store.put(key, data, {
    contentType: 'image/jpeg',
    cacheControl: 'public, max-age=31536000, immutable',
    contentDisposition: 'attachment; filename="a.jpg"',
    metadata: { Origin: 'legacy', 'asset-id': '42' },
  });
  expect(store.direct!.counts.direct).toBe(before.direct + 1);
  expect(sdkPuts()).toBe(before.sdk);
  expect(result).toMatchObject({ key, size: data.length, sha256: sha256(data) });
  const head = await admin.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
  expect(result.etag).toBe(head.ETag);
  expect(head).toMatchObject({
    ContentLength: data.length,
    ContentType: 'image/jpeg',
    CacheControl: 'public, max-age=31536000, immutable',
    ContentDisposition: 'attachment; filename="a.jpg"',
    Metadata: { origin: 'legacy', 'asset-id': '42' },
  });
  const got = await admin.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(data));
});

it('hands a put the server refuses to the SDK, which reports it as usual; the next put goes directly again', async () => {
  const data = bytes(5000);
  const before = { ...store.direct!.counts, sdk: sdkPuts() };
  const refused = await store
    .put('direct/damaged', data, { contentType: 'image/jpeg', sha256: sha256(Buffer.from('other bytes')) })
    .catch((err: unknown) => err);
  expect(isStorageError(refused)).toBe(true);
  expect(String((refused as Error & { cause?: { name?: string } }).cause?.name)).toMatch(/XAmzContentSHA256Mismatch|BadDigest/);
  expect(store.direct!.counts.handedBack).toBe(before.handedBack + 1);
  expect(sdkPuts()).toBe(before.sdk + 1);
  expect((await admin.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'direct/damaged' }))).KeyCount).toBe(0);

  await store.put('direct/after', data, { contentType: 'image/jpeg' });
  expect(store.direct!.counts.direct).toBe(before.direct + 1);
  expect(sdkPuts()).toBe(before.sdk + 1);
});

it('leaves bodies of 2 MiB and more to the SDK (which asks for 100 Continue first)', async () => {
  const before = { ...store.direct!.counts, sdk: sdkPuts() };
  await store.put('direct/large', bytes(2 * 1024 * 1024), { contentType: 'application/octet-stream' });
  expect(store.direct!.counts).toEqual({ direct: before.direct, handedBack: before.handedBack });
  expect(sdkPuts()).toBe(before.sdk + 1);
});

it('with no server at all: the put fails through the SDK, and direct puts pause instead of failing twice per object', async () => {
  const closed = testS3Config({ S3_ENDPOINT: `http://127.0.0.1:${await freePort()}`, S3_BUCKET: 'nowhere', S3_MAX_ATTEMPTS: '1' });
  const down = new S3ObjectStore({ s3: closed, signedUrlTtl: 60, directPuts: true });
  try {
    const first = await down.put('a/1', bytes(100), { contentType: 'text/plain' }).catch((err: unknown) => err);
    expect(isStorageError(first, 'StoreUnreachable')).toBe(true);
    expect(down.direct!.counts).toEqual({ direct: 0, handedBack: 1 });
    const second = await down.put('a/2', bytes(100), { contentType: 'text/plain' }).catch((err: unknown) => err);
    expect(isStorageError(second, 'StoreUnreachable')).toBe(true);
    expect(down.direct!.counts).toEqual({ direct: 0, handedBack: 1 });
  } finally {
    await down.close();
  }
});

it('after a pause, lets one put through alone as a probe; once it is answered, all go directly again', async () => {
  // A proxy to the test RGW that can play dead: while down it drops every connection it is given.
  const upstream = new URL(s3.endpoint!);
  let down = true;
  const proxy = net.createServer((socket) => {
    if (down) return socket.destroy();
    const to = net.connect(Number(upstream.port), upstream.hostname);
    socket.pipe(to).pipe(socket);
    socket.on('error', () => to.destroy());
    to.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as net.AddressInfo).port;
  const flaky = new S3ObjectStore({
    s3: testS3Config({ S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_BUCKET: s3.bucket, S3_MAX_ATTEMPTS: '1' }),
    signedUrlTtl: 60,
    directPuts: true,
  });
  try {
    const lost = await flaky.put('direct/probe-0', bytes(100), { contentType: 'text/plain' }).catch((err: unknown) => err);
    expect(isStorageError(lost, 'StoreUnreachable')).toBe(true);
    expect(flaky.direct!.counts).toEqual({ direct: 0, handedBack: 1 });

    down = false;
    // Past the pause (signed 11 s ahead, well within the store's allowed skew).
    const now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => now + 11_000);
    await Promise.all([1, 2, 3, 4].map((i) => flaky.put(`direct/probe-${i}`, bytes(100 + i), { contentType: 'text/plain' })));
    expect(flaky.direct!.counts, 'only the probe went directly; the rest went through the SDK').toEqual({ direct: 1, handedBack: 1 });
    await Promise.all([5, 6, 7, 8].map((i) => flaky.put(`direct/probe-${i}`, bytes(100 + i), { contentType: 'text/plain' })));
    expect(flaky.direct!.counts).toEqual({ direct: 5, handedBack: 1 });
    const listed = await admin.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'direct/probe-' }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `direct/probe-${i}`));
  } finally {
    vi.restoreAllMocks();
    await flaky.close();
    proxy.close();
  }
});

it('hands back a put Node refuses to send (a header it cannot carry) without pausing direct puts', async () => {
  const before = { ...store.direct!.counts };
  // Not Latin-1: Node refuses the header before anything is sent, and the SDK's request meets the same refusal.
  const refused = await store
    .put('direct/bad-header', bytes(100), { contentType: 'text/plain', contentDisposition: 'attachment; filename="名.jpg"' })
    .catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(Error);
  expect(store.direct!.counts).toEqual({ direct: before.direct, handedBack: before.handedBack + 1 });
  await store.put('direct/after-bad-header', bytes(100), { contentType: 'text/plain' });
  expect(store.direct!.counts).toEqual({ direct: before.direct + 1, handedBack: before.handedBack + 1 });
});

it('goes path-style to an IP endpoint even with S3_FORCE_PATH_STYLE off, as the SDK does (no host name to put the bucket in)', async () => {
  expect(new URL(s3.endpoint!).hostname).toBe('127.0.0.1');
  const virtual = new S3ObjectStore({
    s3: testS3Config({ S3_BUCKET: s3.bucket, S3_FORCE_PATH_STYLE: 'false' }),
    signedUrlTtl: 60,
    directPuts: true,
  });
  try {
    const data = bytes(1000);
    await virtual.put('direct/ip-endpoint', data, { contentType: 'text/plain' });
    expect(virtual.direct!.counts).toEqual({ direct: 1, handedBack: 0 });
    const got = await admin.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'direct/ip-endpoint' }));
    expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(data));
  } finally {
    await virtual.close();
  }
});

it('a store that stops answering on a kept-alive connection pauses direct puts once its request timeout passes', async () => {
  // A stand-in for a store that hangs: it answers the first put, then never answers again.
  let answered = 0;
  const hanging = http.createServer((req, res) => {
    req.resume();
    if (answered++ === 0) req.on('end', () => res.writeHead(200, { etag: '"first"' }).end());
  });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  const port = (hanging.address() as net.AddressInfo).port;
  const hung = new S3ObjectStore({
    s3: testS3Config({ S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_BUCKET: 'hanging', S3_MAX_ATTEMPTS: '1', S3_REQUEST_TIMEOUT_MS: '300' }),
    signedUrlTtl: 60,
    directPuts: true,
  });
  try {
    await hung.put('a/1', bytes(100), { contentType: 'text/plain' });
    expect(hung.direct!.counts).toEqual({ direct: 1, handedBack: 0 });
    // On the same kept-alive connection: no answer within 300 ms, and the SDK's try times out too.
    expect(
      await hung.put('a/2', bytes(100), { contentType: 'text/plain' }).then(
        () => 'stored',
        () => 'failed',
      ),
    ).toBe('failed');
    expect(hung.direct!.counts).toEqual({ direct: 1, handedBack: 1 });
    // Paused: the next put goes straight to the SDK.
    expect(
      await hung.put('a/3', bytes(100), { contentType: 'text/plain' }).then(
        () => 'stored',
        () => 'failed',
      ),
    ).toBe('failed');
    expect(hung.direct!.counts).toEqual({ direct: 1, handedBack: 1 });
  } finally {
    await hung.close();
    hanging.closeAllConnections();
    hanging.close();
  }
});

it("stops at the caller's abort while the server keeps it waiting, without trying the SDK", async () => {
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as net.AddressInfo).port;
  const stalled = new S3ObjectStore({
    s3: testS3Config({ S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_BUCKET: 'stalled' }),
    signedUrlTtl: 60,
    directPuts: true,
  });
  try {
    const aborted = await stalled
      .put('a/1', bytes(100), { contentType: 'text/plain', signal: AbortSignal.timeout(200) })
      .catch((err: unknown) => err);
    expect(isStorageError(aborted, 'Aborted')).toBe(true);
    expect(stalled.direct!.counts).toEqual({ direct: 0, handedBack: 0 });
  } finally {
    await stalled.close();
    silent.close();
  }
});

it("signs at the SDK's idea of the server's time (its clock offset), as the SDK's own requests are", async () => {
  const skewed = new S3ObjectStore({ s3, signedUrlTtl: 60, directPuts: true });
  const config = (skewed as unknown as { client: { config: { systemClockOffset: number } } }).client.config;
  try {
    // Thirty minutes off: the server refuses the direct put and the SDK's alike (RequestTimeTooSkewed).
    config.systemClockOffset = -30 * 60_000;
    const refused = await skewed.put('direct/skewed-1', bytes(100), { contentType: 'text/plain' }).catch((err: unknown) => err);
    expect(String((refused as Error & { cause?: { name?: string } }).cause?.name)).toBe('RequestTimeTooSkewed');
    expect(skewed.direct!.counts).toEqual({ direct: 0, handedBack: 1 });
    config.systemClockOffset = 0;
    await skewed.put('direct/skewed-2', bytes(100), { contentType: 'text/plain' });
    expect(skewed.direct!.counts).toEqual({ direct: 1, handedBack: 1 });
  } finally {
    await skewed.close();
  }
});

it('is not used for AWS S3 itself (no endpoint): its endpoints are the SDK’s to work out', () => {
  expect(DirectPut.forStore(client, { ...s3, endpoint: undefined })).toBeUndefined();
  expect(new S3ObjectStore({ s3: { ...s3, endpoint: undefined }, signedUrlTtl: 60, client, directPuts: true }).direct).toBeUndefined();
});
