/**
 * `vitrina doctor`: checks the configuration and the object store end to end. Every check
 * yields a row; a failure carries one line saying what to fix. Checks that need a working
 * connection are not run once the connection itself failed.
 */
import { createAppContext } from '../../app-context.js';
import { ConfigError, loadConfig, type Config } from '../../config.js';
import { buildStoreApp } from '../../http/app.js';
import { silentLogger } from '../../logger.js';
import { DOCTOR_PREFIX } from '../../storage/key-locator.js';
import { initStorage } from '../../storage/init-storage.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { S3Driver } from '../../storage/s3/s3-driver.js';
import { Store } from '../../storage/store.js';
import { isStorageError } from '../../storage/storage-error.js';
import { type CheckResult, fail, pass, runCheck, skip } from './check.js';
import { fixFor } from './fix-for.js';
import { storeChecks } from './store-checks.js';
import { freePort } from '../../free-port.js';

/** S3 refuses requests signed more than 15 minutes off; warn well before that. */
const MAX_SKEW_SECONDS = 60;

export async function runDoctor(env: Readonly<Record<string, string | undefined>>): Promise<CheckResult[]> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError)
      return [fail('configuration', err.message, `set ${err.variable} to a valid value (see README, Configuration).`)];
    throw err;
  }
  const where =
    config.storageDriver === 's3'
      ? `s3://${config.s3.bucket} at ${config.s3.endpoint ?? `AWS ${config.s3.region}`}`
      : `local folder in ${config.dataDir}`;
  const results: CheckResult[] = [
    pass('configuration', `${config.storageDriver} driver, ${where}, MAX_UPLOAD_SIZE ${config.maxUploadSize} bytes`),
  ];
  return config.storageDriver === 's3' ? [...results, ...(await s3Checks(config))] : [...results, ...(await localChecks(config))];
}

async function s3Checks(config: Config): Promise<CheckResult[]> {
  const endpointUrl = config.s3.endpoint ?? `https://s3.${config.s3.region}.amazonaws.com`;
  const results: CheckResult[] = [];
  let serverDate: string | null = null;
  const reach = await runCheck(
    'endpoint reachable',
    async () => {
      const res = await fetch(endpointUrl, { method: 'HEAD', signal: AbortSignal.timeout(config.s3.connectTimeoutMs + 2000) });
      serverDate = res.headers.get('date');
      return `${endpointUrl} answered HTTP ${res.status}`;
    },
    () =>
      config.s3.endpoint !== undefined
        ? `S3_ENDPOINT=${config.s3.endpoint} cannot be reached: start the S3 server or correct S3_ENDPOINT.`
        : `AWS S3 in ${config.s3.region} cannot be reached: check the network and S3_REGION.`,
  );
  results.push(reach);
  if (reach.status === 'fail') return [...results, skip('credentials and bucket', 'not checked: the endpoint cannot be reached')];
  results.push(clockCheck(serverDate));

  const store = new Store(new S3Driver({ s3: config.s3, logger: silentLogger }));
  try {
    const access = await accessChecks(config, store);
    results.push(...access);
    if (access.some((r) => r.status === 'fail')) return [...results, skip('object round trips', 'not run: fix the above first')];
    results.push(...(await storeChecks(config, store)));
    return results;
  } finally {
    await store.close();
  }
}

/** Credentials and bucket: one listing tells both apart (a wrong signature is refused before the bucket is looked up). */
async function accessChecks(config: Config, store: ObjectStore): Promise<CheckResult[]> {
  const bucket = `S3_BUCKET=${config.s3.bucket}`;
  try {
    await store.list(DOCTOR_PREFIX, { limit: 1, signal: AbortSignal.timeout(15_000) });
    return [pass('credentials', 'accepted (signed request succeeded)'), pass('bucket', `${bucket} exists and can be listed`)];
  } catch (err) {
    if (!isStorageError(err, 'BucketMissing')) {
      const failed = fail('credentials', err instanceof Error ? err.message : String(err), fixFor(config, err));
      return [failed, skip('bucket', 'not checked: the credentials were refused')];
    }
  }
  const credentials = pass('credentials', 'accepted (signed request succeeded)');
  if (!config.storageAutoInit) {
    return [
      credentials,
      fail(
        'bucket',
        `${bucket} does not exist`,
        `S3_BUCKET=${config.s3.bucket} does not exist: run \`vitrina storage init\` (STORAGE_AUTO_INIT=false keeps doctor from creating it).`,
      ),
    ];
  }
  try {
    const outcome = await initStorage(config, store);
    return [credentials, pass('bucket', `${bucket} did not exist and was created${outcome.policyNote ? `; ${outcome.policyNote}` : ''}`)];
  } catch (err) {
    const denied = isStorageError(err, 'AccessDenied');
    return [
      credentials,
      fail(
        'bucket',
        `${bucket} does not exist${denied ? ' and these credentials may not create it' : ''}`,
        denied
          ? `S3_BUCKET=${config.s3.bucket} does not exist and S3_ACCESS_KEY has no permission to create it: create the bucket in the provider's console (or grant s3:CreateBucket), or set S3_BUCKET to an existing bucket.`
          : fixFor(config, err),
      ),
    ];
  }
}

function clockCheck(serverDate: string | null): CheckResult {
  if (serverDate === null) return skip('clock skew', 'the endpoint sent no Date header');
  const skew = Math.round((Date.now() - Date.parse(serverDate)) / 1000);
  if (!Number.isFinite(skew)) return skip('clock skew', `unreadable Date header ${JSON.stringify(serverDate)}`);
  if (Math.abs(skew) > MAX_SKEW_SECONDS) {
    return fail(
      'clock skew',
      `this machine's clock is ${skew} s off the store's`,
      'synchronise the system clock (NTP): S3 refuses requests signed more than 15 minutes off.',
    );
  }
  return pass('clock skew', `${skew} s against the store (Date header resolution is 1 s)`);
}

/**
 * The local driver's signed URLs and presigned POSTs are served by the app itself, so doctor
 * starts the app on a free loopback port for the length of the checks.
 */
async function localChecks(base: Config): Promise<CheckResult[]> {
  const port = await freePort();
  const config = loadConfig({ ...configEnv(base), APP_URL: `http://127.0.0.1:${port}` });
  const ctx = await createAppContext(config, silentLogger);
  const app = await buildStoreApp(ctx);
  await app.listen({ host: '127.0.0.1', port });
  try {
    const results: CheckResult[] = [pass('folder', `${ctx.store.location} is used for objects`)];
    results.push(...(await storeChecks(config, ctx.store, ctx.secret)));
    return results;
  } finally {
    await app.close();
    await ctx.store.close();
  }
}

/** The environment a config was parsed from, enough to parse it again with one change. */
function configEnv(config: Config): Record<string, string | undefined> {
  return {
    DATA_DIR: config.dataDir,
    STORAGE_DRIVER: config.storageDriver,
    MAX_UPLOAD_SIZE: String(config.maxUploadSize),
    SECRET_KEY: config.secretKey,
    S3_PUBLIC_URL: config.s3.publicUrl,
    SIGNED_URL_TTL: String(config.signedUrlTtl),
    LOG_LEVEL: config.logLevel,
  };
}
