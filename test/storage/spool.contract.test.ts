/**
 * The ObjectStore contract against the database fallback spool, on PostgreSQL and PGlite,
 * with the app's media route listening so its signed URLs are fetched over HTTP. Checks go
 * through SQL on the spool table, never through the store under test.
 */
import { createHash, randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../src/app-context.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/schema.js';
import { AppError } from '../../src/errors.js';
import mediaGet from '../../src/http/routes/media-get.js';
import { silentLogger } from '../../src/logger.js';
import { DatabaseSpoolStore } from '../../src/storage/spool/database-spool-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { describeObjectStoreContract } from './contract.js';
import type { RawInspector } from './raw-inspector.js';

function spoolInspector(db: Db): RawInspector {
  return {
    async read(key) {
      const row = await db.selectFrom('spool_objects').select('body').where('key', '=', key).executeTakeFirst();
      return row === undefined ? undefined : Buffer.from(row.body);
    },
    async contentType(key) {
      return (await db.selectFrom('spool_objects').select('content_type').where('key', '=', key).executeTakeFirst())?.content_type;
    },
    async listKeys(prefix) {
      const rows = await db
        .selectFrom('spool_objects')
        .select('key')
        .where(sql<boolean>`starts_with(key, ${prefix})`)
        .execute();
      return rows.map((r) => r.key).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    },
    async write(key, bytes, contentType) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await db
        .insertInto('spool_objects')
        .values({ key, content_type: contentType, metadata: '{}', size: bytes.length, sha256, body: bytes })
        .execute();
    },
    async leftovers() {
      return 0; // a put is one INSERT: nothing can be left half-written
    },
  };
}

for (const backend of BACKENDS) {
  describeObjectStoreContract(
    `DatabaseSpoolStore on ${backend}`,
    async () => {
      const database = await createTestDatabase(backend);
      const secret = randomBytes(32).toString('hex');
      const app = Fastify();
      app.setErrorHandler((err, _request, reply) =>
        reply.status(err instanceof AppError ? err.status : 500).send({ error: { message: (err as Error).message } }),
      );
      // The route needs its store before the server has a port; a second instance on the same
      // table (as another app instance would be) serves it, the returned one knows the real URL.
      const serving = new DatabaseSpoolStore({ db: database.db, baseUrl: 'http://unused.invalid', secret, signedUrlTtl: 60 });
      const ctx: AppContext = { config: loadConfig({}), logger: silentLogger, secret, store: serving, appServed: serving };
      await app.register(async (scope) => mediaGet(scope, ctx));
      const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
      const store = new DatabaseSpoolStore({ db: database.db, baseUrl, secret, signedUrlTtl: 60 });
      return {
        store,
        raw: spoolInspector(database.db),
        async cleanup() {
          await app.close();
          await database.cleanup();
        },
      };
    },
    { presignedPost: false, publicBase: false },
  );
}
