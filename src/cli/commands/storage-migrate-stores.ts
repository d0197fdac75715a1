/**
 * The two ends of `vitrina storage migrate`, from its flags:
 *
 *   --from local   DATA_DIR/objects (or --from-dir)
 *   --from s3      the ordinary S3_* settings (the store the app uses now)
 *   --to local     DATA_DIR/objects (or --to-dir)
 *   --to s3        the ordinary S3_* settings, or a `--to-env FILE` of S3_* lines instead;
 *                  each --to-* flag then overrides one of them (s3 → s3: e.g. only --to-bucket)
 *
 * Each end gets a route name (`local:/abs/path`, `s3:http://host:port/bucket`) that keys the
 * migration's progress, and a refusal when both ends are the same store.
 */
import path from 'node:path';
import type { Config, S3Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { localStoreRoot } from '../../storage/create-store.js';
import { LocalDriver } from '../../storage/local/local-driver.js';
import type { StoreDescription } from '../../storage/migration/store-description.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { describeEndpoint } from '../../storage/s3/s3-client.js';
import { S3Driver } from '../../storage/s3/s3-driver.js';
import { Store } from '../../storage/store.js';
import { s3Settings } from '../s3-settings.js';

export type EndKind = 'local' | 's3';

export interface MigrateEndFlags {
  from: EndKind;
  to: EndKind;
  fromDir?: string | undefined;
  toDir?: string | undefined;
  toEnv?: string | undefined;
  toEndpoint?: string | undefined;
  toBucket?: string | undefined;
  toRegion?: string | undefined;
  toAccessKey?: string | undefined;
  toSecretKey?: string | undefined;
  toPathStyle?: string | undefined;
  toPublicUrl?: string | undefined;
}

export interface StoreEnd {
  kind: EndKind;
  store: ObjectStore;
  /** The same store as data: what each copy worker opens its own from. */
  description: StoreDescription;
  /** `local:/abs/path` or `s3:http://host:port/bucket`: names the end in the progress table. */
  name: string;
  /** Set for an S3 end (to create its bucket, and for the closing advice). */
  s3: S3Config | undefined;
}

/** Builds both ends (nothing is contacted yet). @throws S3SettingsError for a bad --to-env / --to-* value */
export async function migrationEnds(
  config: Config,
  flags: MigrateEndFlags,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<{ source: StoreEnd; destination: StoreEnd }> {
  const source = flags.from === 'local' ? localEnd(config, flags.fromDir) : s3End(config.s3, logger);
  let destination: StoreEnd;
  if (flags.to === 'local') {
    destination = localEnd(config, flags.toDir);
  } else {
    const s3 = await s3Settings({
      label: 'destination',
      file: flags.toEnv,
      env,
      flags: {
        S3_ENDPOINT: flags.toEndpoint,
        S3_BUCKET: flags.toBucket,
        S3_REGION: flags.toRegion,
        S3_ACCESS_KEY: flags.toAccessKey,
        S3_SECRET_KEY: flags.toSecretKey,
        S3_FORCE_PATH_STYLE: flags.toPathStyle,
        S3_PUBLIC_URL: flags.toPublicUrl,
      },
    });
    destination = s3End(s3, logger);
  }
  return { source, destination };
}

function localEnd(config: Config, dir: string | undefined): StoreEnd {
  const root = dir === undefined ? localStoreRoot(config) : path.resolve(dir);
  const store = new Store(new LocalDriver({ root }));
  return { kind: 'local', store, description: { kind: 'local', root }, name: `local:${root}`, s3: undefined };
}

function s3End(s3: S3Config, logger: Logger): StoreEnd {
  const store = new Store(new S3Driver({ s3, logger }));
  return { kind: 's3', store, description: { kind: 's3', s3 }, name: `s3:${describeEndpoint(s3)}/${s3.bucket}`, s3 };
}
