/**
 * The Fastify application: one route module per endpoint, one error handler, built from a
 * Runtime so tests can build as many apps as they like (several "instances" on one database
 * and store included). Routes get the services they call (build-services.ts), not the runtime.
 */
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import type { Runtime } from '../runtime.js';
import { boundedFastify } from './bounded-fastify.js';
import { buildServices, type ServicesOptions } from './build-services.js';
import { requestProbe } from './client-wait.js';
import type { ErrorHandlerOptions } from './error-handler.js';
import type { Services } from './http-context.js';
import { registerRequestState } from './request-state.js';
import apiOpenApi from './routes/api-openapi.js';
import apiProductCreate from './routes/api-product-create.js';
import apiProductDelete from './routes/api-product-delete.js';
import apiProductRestore from './routes/api-product-restore.js';
import apiProductGet from './routes/api-product-get.js';
import apiProductImageDelete from './routes/api-product-image-delete.js';
import apiProductImagePut from './routes/api-product-image-put.js';
import apiProductUpdate from './routes/api-product-update.js';
import apiProductsCsv from './routes/api-products-csv.js';
import apiProductsList from './routes/api-products-list.js';
import healthz from './routes/healthz.js';
import home from './routes/home.js';
import loginPage from './routes/login-page.js';
import loginSubmit from './routes/login-submit.js';
import logout from './routes/logout.js';
import mediaGet from './routes/media-get.js';
import mediaUpload from './routes/media-upload.js';
import pendingUploadImage from './routes/pending-upload-image.js';
import productCreate from './routes/product-create.js';
import productDelete from './routes/product-delete.js';
import productDeleteForever from './routes/product-delete-forever.js';
import productRestore from './routes/product-restore.js';
import trashEmpty from './routes/trash-empty.js';
import trashPageRoute from './routes/trash-page.js';
import productEditPage from './routes/product-edit-page.js';
import productNewPage from './routes/product-new-page.js';
import productPage from './routes/product-page.js';
import productUpdate from './routes/product-update.js';
import productsCsv from './routes/products-csv.js';
import productsList from './routes/products-list.js';
import metrics from './routes/metrics.js';
import readyz from './routes/readyz.js';
import signupPage from './routes/signup-page.js';
import inviteAccept from './routes/invite-accept.js';
import invitePage from './routes/invite-page.js';
import resetPage from './routes/reset-page.js';
import resetSubmit from './routes/reset-submit.js';
import settingsApiKeyCreate from './routes/settings-api-key-create.js';
import settingsApiKeyRevoke from './routes/settings-api-key-revoke.js';
import settingsPage from './routes/settings-page.js';
import settingsPassword from './routes/settings-password.js';
import settingsSave from './routes/settings-save.js';
import teamInviteCreate from './routes/team-invite-create.js';
import teamInviteRevoke from './routes/team-invite-revoke.js';
import teamMemberRemove from './routes/team-member-remove.js';
import teamMemberResetLink from './routes/team-member-reset-link.js';
import teamMemberRole from './routes/team-member-role.js';
import teamPage from './routes/team-page.js';
import signupSubmit from './routes/signup-submit.js';
import staticAssets from './routes/static-assets.js';
import { registerSecurityHeaders } from './security-headers.js';
import { logStartUpNotes } from './start-up-notes.js';
import { warnOnUntrustedForwarding } from './untrusted-forwarding.js';

type Route<C> = (app: FastifyInstance, ctx: C) => Promise<void>;

const PAGE_ROUTES: Route<Services>[] = [
  readyz,
  metrics,
  home,
  loginPage,
  loginSubmit,
  logout,
  signupPage,
  signupSubmit,
  settingsPage,
  settingsSave,
  settingsPassword,
  settingsApiKeyCreate,
  settingsApiKeyRevoke,
  teamPage,
  teamInviteCreate,
  teamInviteRevoke,
  teamMemberRole,
  teamMemberRemove,
  teamMemberResetLink,
  invitePage,
  inviteAccept,
  resetPage,
  resetSubmit,
  productsList,
  productsCsv,
  productNewPage,
  productCreate,
  productPage,
  productEditPage,
  productUpdate,
  productDelete,
  trashPageRoute,
  productRestore,
  productDeleteForever,
  trashEmpty,
  pendingUploadImage,
];

/** The JSON API under /api/v1: API keys as Bearer tokens, errors as {"error":{"code","message"}}. */
const API_ROUTES: Route<Services>[] = [
  apiOpenApi,
  apiProductsList,
  apiProductsCsv,
  apiProductGet,
  apiProductCreate,
  apiProductUpdate,
  apiProductDelete,
  apiProductRestore,
  apiProductImagePut,
  apiProductImageDelete,
];

/** Routes that need only the app context: liveness, app-served media (`appServed`, `delivery`), static files. */
const STORE_ROUTES: Route<AppContext>[] = [healthz, mediaGet, mediaUpload, staticAssets];

/**
 * What is worth compressing: the pages, the stylesheet and script, JSON, CSV and SVG. Images
 * and media are compressed already (and answer byte ranges), so they go out as they are.
 */
const COMPRESSIBLE = /^(?:text\/(?:html|css|javascript|csv|plain)|application\/(?:json|javascript)|image\/svg\+xml)(?:;|$)/;

async function baseApp(ctx: AppContext, errorOptions: ErrorHandlerOptions = {}): Promise<FastifyInstance> {
  const app = boundedFastify(ctx, errorOptions);
  // Before the routes: the plugin hooks every route registered after it. Below ~1 KB the
  // headers cost more than the bytes saved. Answers only: the plugin would also inflate
  // request bodies sent with Content-Encoding (a second way in for every body, past a proxy's
  // inspection, and an upload whose declared length says nothing of its size): not wanted.
  await app.register(compress, {
    global: true,
    globalDecompression: false,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    customTypes: COMPRESSIBLE,
  });
  // Behind a proxy TRUST_PROXY does not name, every client would share its address: say so once.
  warnOnUntrustedForwarding(app, ctx.config.http.trustProxy);
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 256 * 1024 });
  // Uploads read `part.file.truncated` themselves (http/forms/multipart-form.ts).
  await app.register(multipart, { throwFileSizeLimit: false });
  registerSecurityHeaders(app, ctx.config);
  // Which instance answered: behind a load balancer, the first thing to know when one misbehaves.
  const servedBy = `${hostname()}:${process.pid}`;
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-served-by', servedBy);
    return payload;
  });
  registerRequestState(app, ctx);
  return app;
}

export type BuildAppOptions = ServicesOptions;

export async function buildApp(rt: Runtime, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  logStartUpNotes(rt.config, rt.logger);
  const services = buildServices(rt, options);
  // An unknown URL shows a logged-in person their own header: the not-found page loads the account.
  const app = await baseApp(rt, { accountOf: (session) => services.auth.sessions.account(session) });
  // Image processing runs in the lulls between requests (jobs/idle-gate.ts); a request that only
  // waits on a silent client does not hold it back. 'close' comes for every response, sent in
  // full or cut off.
  app.addHook('onRequest', (request, reply, done) => {
    reply.raw.once('close', rt.activity.begin(requestProbe(request.raw, reply.raw)));
    done();
  });
  for (const route of STORE_ROUTES) await app.register(async (scope) => route(scope, rt));
  for (const route of PAGE_ROUTES) await app.register(async (scope) => route(scope, services));
  for (const route of API_ROUTES) await app.register(async (scope) => route(scope, services));
  await app.ready();
  return app;
}

/** The store's routes alone (health, app-served media): what `vitrina doctor` serves for the local driver. */
export async function buildStoreApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = await baseApp(ctx);
  for (const route of STORE_ROUTES) await app.register(async (scope) => route(scope, ctx));
  await app.ready();
  return app;
}
