/**
 * The services the routes call (http-context.ts), made once per app from a Runtime: the
 * database and the stores are bound here and go no further.
 *
 * @example
 *   const services = buildServices(runtime, { now });
 *   for (const route of ROUTES) await app.register(async (scope) => route(scope, services));
 */
import { sql } from 'kysely';
import { createProduct, deleteProduct, updateProduct } from '../catalog/catalog.service.js';
import { getProduct, listProducts } from '../catalog/products.repository.js';
import { listUnits } from '../catalog/units.repository.js';
import { uploadDecodeSlots } from '../media/decode-slots.js';
import type { Runtime } from '../runtime.js';
import { verifyApiKey } from '../tenancy/api-keys.js';
import { LoginThrottle } from '../tenancy/login-throttle.js';
import { scryptParams } from '../tenancy/password.js';
import { PasswordHashing } from '../tenancy/password-hashing.js';
import { SessionStore } from '../tenancy/session-store.js';
import { SignUpThrottle } from '../tenancy/signup-throttle.js';
import { authenticate, signUp } from '../tenancy/tenancy.service.js';
import { apiKeyRequired } from './api/api-key-required.js';
import type { CatalogService, Services } from './http-context.js';
import { ImageUrls } from './media/image-urls.js';
import { loginRequired } from './pages/login-required.js';

export interface ServicesOptions {
  /** The clock of sessions and log-in throttling (tests move it instead of waiting). */
  now?: (() => number) | undefined;
}

export function buildServices(rt: Runtime, options: ServicesOptions = {}): Services {
  const { db, config } = rt;
  const { now } = options;
  const sessions = new SessionStore(db, rt.secret, { now });
  const passwords = new PasswordHashing(scryptParams(config.passwordHashCost));
  return {
    config,
    pages: { config, secret: rt.secret },
    catalog: catalogService(rt),
    urls: new ImageUrls({ storeFor: rt.storeFor, delivery: rt.delivery }),
    auth: {
      requireLogin: loginRequired(config, sessions),
      requireApiKey: apiKeyRequired((token) => verifyApiKey(db, token)),
      sessions,
      loginThrottle: new LoginThrottle(db, { now }),
      signUpThrottle: new SignUpThrottle(db, { now, freeSignUps: config.signUpsPerHour }),
      authenticate: (email, password) => authenticate(db, email, password, { passwords }),
      signUp: (input) => signUp(db, input, { passwords }),
    },
    health: {
      database: () =>
        sql`select 1`.execute(db).then(
          () => true,
          () => false,
        ),
      storage: (signal) => rt.stores.health(signal),
    },
    // Decodes and hashes share libuv's pool: decodes get what hashing leaves (and one thread spare).
    uploads: { decodeSlots: uploadDecodeSlots(config.threadPoolSize, passwords.concurrency) },
    metrics: rt.metrics,
  };
}

/** The catalog's service and repository functions with the runtime's database and hooks bound. */
function catalogService(rt: Pick<Runtime, 'db' | 'catalog'>): CatalogService {
  const { db, catalog } = rt;
  return {
    listProducts: (tenantId, options) => listProducts(db, tenantId, options),
    getProduct: (tenantId, id) => getProduct(db, tenantId, id),
    listUnits: () => listUnits(db),
    createProduct: (tenantId, input, image) => createProduct(catalog, tenantId, input, image),
    updateProduct: (tenantId, id, patch, change) => updateProduct(catalog, tenantId, id, patch, change),
    deleteProduct: (tenantId, id) => deleteProduct(catalog, tenantId, id),
  };
}
