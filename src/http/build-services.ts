/**
 * The services the routes call (http-context.ts), made once per app from a Runtime: the
 * database and the stores are bound here and go no further.
 *
 * @example
 *   const services = buildServices(runtime, { now });
 *   for (const route of ROUTES) await app.register(async (scope) => route(scope, services));
 */
import { sql } from 'kysely';
import { createProduct, updateProduct } from '../catalog/catalog.service.js';
import { deleteForever, emptyTrash, listTrash, moveToTrash, restoreFromTrash, trashedIdBySku } from '../catalog/trash.service.js';
import { discardPendingUpload, findPending, keepPendingUpload, openPendingUpload } from '../catalog/pending-uploads.js';
import { exportProducts, getProduct, listProducts } from '../catalog/products.repository.js';
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
import { accountServices } from './account-services.js';
import { apiKeyRequired } from './api/api-key-required.js';
import type { CatalogService, PendingUploadService, Services } from './http-context.js';
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
    urls: new ImageUrls({ storeFor: rt.storeFor, delivery: rt.delivery, variantWidths: config.media.variantWidths }),
    auth: {
      requireLogin: loginRequired(config, sessions),
      requireApiKey: apiKeyRequired((token) => verifyApiKey(db, token)),
      sessions,
      loginThrottle: new LoginThrottle(db, { now }),
      signUpThrottle: new SignUpThrottle(db, { now, freeSignUps: config.signUpsPerHour }),
      authenticate: (email, password) => authenticate(db, email, password, { passwords }),
      signUp: (input) => signUp(db, input, { passwords }),
      account: accountServices({ db, sessions, passwords, appUrl: config.appUrl, now: now ?? Date.now }),
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
    uploads: { decodeSlots: uploadDecodeSlots(config.threadPoolSize, passwords.concurrency), pending: pendingUploads(rt, now) },
    metrics: rt.metrics,
  };
}

/** The product forms' pending uploads, with the runtime's database and stores bound. */
function pendingUploads(rt: Pick<Runtime, 'db' | 'stores' | 'logger' | 'catalog'>, now: (() => number) | undefined): PendingUploadService {
  const deps = { db: rt.db, stores: rt.stores, logger: rt.logger, onPurgeQueued: rt.catalog.onPurgeQueued };
  const at = () => new Date((now ?? Date.now)());
  return {
    keep: (form, image) => keepPendingUpload(deps, form, image, at()),
    find: (owner) => findPending(deps, owner, at()),
    discard: (owner) => discardPendingUpload(deps, owner, at()),
    open: (id, tenantId, userId) => openPendingUpload(deps, id, tenantId, userId, at()),
    now: at,
  };
}

/** The catalog's service and repository functions with the runtime's database and hooks bound. */
function catalogService(rt: Pick<Runtime, 'db' | 'catalog'>): CatalogService {
  const { db, catalog } = rt;
  return {
    listProducts: (tenantId, options) => listProducts(db, tenantId, options),
    exportProducts: (tenantId, options) => exportProducts(db, tenantId, options),
    getProduct: (tenantId, id) => getProduct(db, tenantId, id),
    listUnits: () => listUnits(db),
    createProduct: (tenantId, input, image) => createProduct(catalog, tenantId, input, image),
    updateProduct: (tenantId, id, patch, change) => updateProduct(catalog, tenantId, id, patch, change),
    deleteProduct: (tenantId, id) => moveToTrash(catalog, tenantId, id),
    restoreProduct: (tenantId, id) => restoreFromTrash(catalog, tenantId, id),
    listTrash: (tenantId, options) => listTrash(catalog, tenantId, options),
    deleteForever: (tenantId, id) => deleteForever(catalog, tenantId, id),
    emptyTrash: (tenantId) => emptyTrash(catalog, tenantId),
    trashedIdBySku: (tenantId, sku) => trashedIdBySku(catalog, tenantId, sku),
  };
}
