/**
 * What the routes of the full app are given: the services they call, never the runtime with
 * its database and stores. Each route names the part it uses in its signature
 * (`Pick<Services, 'catalog' | 'urls' | 'auth'>`), so what a route can reach is visible there.
 * `build-services.ts` makes them from a Runtime.
 *
 * @example
 *   export default async function productPage(app: FastifyInstance, s: Pick<Services, 'catalog' | 'urls' | 'auth' | 'pages'>) {
 *     app.get('/products/:id', { preHandler: s.auth.requireLogin }, async (request) => s.catalog.getProduct(tenantId, id));
 *   }
 */
import type { Readable } from 'node:stream';
import type { preHandlerAsyncHookHandler } from 'fastify';
import type { ImageChange, ImageSource, ImageUpload } from '../catalog/catalog.service.js';
import type { PendingForm } from '../catalog/pending-uploads.js';
import type { ProductInput } from '../catalog/product-input.js';
import type { TrashedProduct } from '../catalog/trash.repository.js';
import type { ExportProductsOptions, ListProductsOptions, ProductView } from '../catalog/products.repository.js';
import type { Config } from '../config.js';
import type { PendingUpload, Product, Tenant, Unit, User } from '../db/schema.js';
import type { PendingOwner } from '../media/pending-uploads.repository.js';
import type { Semaphore } from '../media/semaphore.js';
import type { Metrics } from '../metrics.js';
import type { StorageHealth } from '../storage/fallback/resilient-store.js';
import type { LoginThrottle } from '../tenancy/login-throttle.js';
import type { SessionStore } from '../tenancy/session-store.js';
import type { SignUpInput } from '../tenancy/tenancy.service.js';
import type { SignUpThrottle } from '../tenancy/signup-throttle.js';
import type { AccountServices } from './account-services.js';
import type { ApiKeyHook } from './api/api-key-required.js';
import type { ImageUrls } from './media/image-urls.js';
import type { PageDeps } from './pages/page-context.js';

/** The tenant's products: the catalog service and repositories with the database bound. */
export interface CatalogService {
  listProducts(tenantId: number, options: ListProductsOptions): Promise<{ items: ProductView[]; total: number }>;
  /** A page of live products in id order after `options.afterId`: what an export streams. */
  exportProducts(tenantId: number, options: ExportProductsOptions): Promise<ProductView[]>;
  /** Undefined for an id that is not this tenant's, like one that does not exist. */
  getProduct(tenantId: number, id: number): Promise<ProductView | undefined>;
  listUnits(): Promise<Unit[]>;
  /** @throws AppError Conflict | Unprocessable, or the upload's refusal */
  createProduct(tenantId: number, input: ProductInput, image?: ImageSource): Promise<Product>;
  /** @throws AppError NotFound | Conflict | Unprocessable, or the upload's refusal */
  updateProduct(tenantId: number, id: number, patch: Partial<ProductInput>, change?: ImageChange): Promise<Product>;
  /** Moves the product to the trash (catalog/trash.service.ts). @throws AppError NotFound */
  deleteProduct(tenantId: number, id: number): Promise<Product>;
  /** Takes a trashed product back. @throws AppError NotFound (not in this tenant's trash) */
  restoreProduct(tenantId: number, id: number): Promise<Product>;
  /** A page of the trash, most recently deleted first. */
  listTrash(tenantId: number, options: { limit: number; offset: number }): Promise<{ items: TrashedProduct[]; total: number }>;
  /** Deletes a trashed product for good; its image is purged. @throws AppError NotFound */
  deleteForever(tenantId: number, id: number): Promise<void>;
  /** Deletes the whole trash for good; returns how many products went. */
  emptyTrash(tenantId: number): Promise<{ deleted: number; more: boolean }>;
  /** The trashed product holding this SKU, if any. */
  trashedIdBySku(tenantId: number, sku: string): Promise<number | undefined>;
}

/** Who someone is: sessions, log-in and sign-up (throttled, hashed a few at a time), API keys. */
export interface AuthService {
  /** preHandler: a logged-in person, or a redirect to /login. */
  readonly requireLogin: preHandlerAsyncHookHandler;
  /** onRequest: a valid API key (the tenant it acts for: `apiTenantId`), or 401. */
  readonly requireApiKey: ApiKeyHook;
  /** Sessions: started at log-in and sign-up, ended at log-out, looked up by `requireLogin`. */
  readonly sessions: SessionStore;
  /** Log-in attempts per account and address: how long the next attempt must wait. */
  readonly loginThrottle: LoginThrottle;
  /** Sign-ups per address: how long the next must wait. */
  readonly signUpThrottle: SignUpThrottle;
  /** The user with this email and password, or undefined. @throws AppError Unavailable (too many hashing) */
  authenticate(email: string, password: string): Promise<User | undefined>;
  /** A new tenant and its first user. @throws AppError Conflict | Unprocessable | Unavailable */
  signUp(input: SignUpInput): Promise<{ tenant: Tenant; user: User }>;
  /** Settings, team, invitations and password resets (account-services.ts). */
  readonly account: AccountServices;
}

/** What /readyz checks. */
export interface HealthService {
  /** Whether the database answers a trivial query. */
  database(): Promise<boolean>;
  /** The object store, its breaker and whether uploads can fall back to the spool. */
  storage(signal: AbortSignal): Promise<StorageHealth>;
}

/** What the upload routes use beyond the catalog. */
export interface UploadService {
  /** The uploads' request-time decodes (media/decode-check.ts): a few at a time, a bounded queue (media/decode-slots.ts). */
  readonly decodeSlots: Semaphore;
  /** A refused form's image, kept for its next submit (catalog/pending-uploads.ts). */
  readonly pending: PendingUploadService;
}

/** Pending uploads of the product forms, on the app's clock. */
export interface PendingUploadService {
  /** Stores an image whose checks passed, for `form`, for 24 hours. @throws StorageError */
  keep(form: PendingForm, image: ImageUpload): Promise<PendingUpload>;
  /** The form's unexpired pending upload with this id, or undefined. */
  find(owner: PendingOwner): Promise<PendingUpload | undefined>;
  /** Lets go of it (row now, object by the purge worker). */
  discard(owner: PendingOwner): Promise<void>;
  /** Its bytes, for the thumbnail; only this tenant's and user's. @throws AppError NotFound */
  open(id: string, tenantId: number, userId: number): Promise<{ upload: PendingUpload; body: Readable; contentLength: number }>;
  /** The app's clock now: the moment a submit uses a pending upload. */
  now(): Date;
}

export interface Services {
  readonly config: Config;
  /** Cookies, CSRF tokens and flashes of the pages (`config` and the secret they are signed with). */
  readonly pages: PageDeps;
  readonly catalog: CatalogService;
  /** Image URLs for pages and the API (public, presigned or app-served). */
  readonly urls: ImageUrls;
  readonly auth: AuthService;
  readonly health: HealthService;
  readonly uploads: UploadService;
  readonly metrics: Metrics;
}
