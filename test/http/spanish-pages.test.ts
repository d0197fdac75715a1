/**
 * Every page in Spanish (issue 15, "Must show"): each page and page state a shop owner can
 * reach — logged out and logged in, the error pages, every flash and every message a form
 * can show — rendered through `app.inject` with the `lang=es` cookie, must carry no English
 * (test/support/english-on-spanish-page.ts: the English messages and common English words).
 * The detectors are proven first: a Spanish page with one English message must fail them.
 *
 * To cover a new page or state, add one line to CASES.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en, es, type MessageKey } from '../../src/http/i18n/index.js';
import { heicHeader, jpegBadScan, makeImage } from '../media/media-fixtures.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import {
  containsWord,
  describeFindings,
  ENGLISH_WORDS,
  englishFragments,
  findEnglish,
  pageTextsFromHtml,
} from '../support/english-on-spanish-page.js';
import { oneTimeLinkPath } from '../support/account-links.js';
import { productIdFrom, WebClient, type FilePart, type WebResponse } from '../support/web-client.js';

const MAX_UPLOAD = 300 * 1024;
const PASSWORD = 'caballo correcto batería';

let t: TestApp;
/** The shop owner, logged in, pages in Spanish. */
let owner: WebClient;
/** Nobody logged in, pages in Spanish. */
let anon: WebClient;
let editor: WebClient;
let productId = 0;
let trashedId = 0;
let brokenId = 0;
let editorId = 0;
let pendingToken = '';
let apiKeyId = '';
let invitePath = '';
let resetPath = '';
let otherTenantProductId = 0;
let seq = 0;

function spanishClient(): WebClient {
  const client = new WebClient(t.app, { accept: 'text/html', 'accept-language': 'es-ES,es;q=0.9' });
  client.cookies.set('lang', 'es');
  return client;
}

const productFields = (over: Record<string, string> = {}) => ({
  name: 'Martillo de carpintero',
  sku: `MART-${++seq}`,
  uom_id: '1',
  sale_price: '24.90',
  description: 'Mango de madera de haya',
  ...over,
});

/** Posts the new-product form as the owner (a fresh CSRF token from the form first). */
async function postNew(fields: Record<string, string>, file?: FilePart): Promise<WebResponse> {
  await owner.get('/products/new');
  return owner.postMultipart('/products/new', { ...fields, _csrf: owner.csrf() }, file);
}

async function postEdit(id: number, fields: Record<string, string>, file?: FilePart): Promise<WebResponse> {
  await owner.get(`/products/${id}/edit`);
  return owner.postMultipart(`/products/${id}/edit`, { ...fields, _csrf: owner.csrf() }, file);
}

/** Follows a redirect as a browser would, so the next page shows its flash. */
async function follow(client: WebClient, res: WebResponse): Promise<WebResponse> {
  const location = res.headers.location;
  if (res.statusCode < 300 || res.statusCode > 399 || typeof location !== 'string') return res;
  return client.get(location);
}

async function userId(email: string): Promise<number> {
  return Number((await t.runtime.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id);
}

const jpeg = async (name = 'martillo.jpg'): Promise<FilePart> => ({ name, bytes: await makeImage('jpeg', 640, 480), type: 'image/jpeg' });

interface Case {
  name: string;
  /** The status the page answers with (default 200), or the statuses it may answer with. */
  status?: number | number[];
  page: () => Promise<WebResponse>;
  /** Messages the page must show (in Spanish): proof that the state was reached. */
  shows?: MessageKey[];
}

/** Every page state, in order (later cases build on earlier ones: the product exists, then is deleted). */
const CASES: Case[] = [
  // Logged out
  { name: 'home (logged out → log-in)', page: async () => follow(anon, await anon.get('/')) },
  { name: 'log-in', page: () => anon.get('/login') },
  { name: 'log-in, a page that needs a session', page: async () => follow(anon, await anon.get('/products')) },
  {
    name: 'log-in refused: wrong password',
    shows: ['login.error_invalid'],
    page: async () => {
      await anon.get('/login');
      return anon.postForm('/login', { email: 'ana@ferreteria.test', password: 'otra cosa distinta', _csrf: anon.csrf() });
    },
  },
  {
    name: 'log-in refused: nothing typed',
    shows: ['login.error_required'],
    page: async () => {
      await anon.get('/login');
      return anon.postForm('/login', { email: '', password: '', _csrf: anon.csrf() });
    },
  },
  {
    name: 'log-in refused: forged CSRF token',
    status: 403,
    shows: ['error.csrf'],
    page: () => anon.postForm('/login', { email: 'a@b.es', password: PASSWORD, _csrf: 'x.y' }),
  },
  { name: 'sign-up', page: () => anon.get('/signup') },
  {
    name: 'sign-up refused: every field',
    shows: ['error.tenant_name_required', 'error.email_invalid', 'error.password_too_short'],
    page: async () => {
      await anon.get('/signup');
      return anon.postForm('/signup', { tenant_name: '', email: 'no-es-un-correo', password: 'corta', _csrf: anon.csrf() });
    },
  },
  {
    name: 'sign-up refused: a 150-character shop name',
    page: async () => {
      await anon.get('/signup');
      return anon.postForm('/signup', {
        tenant_name: 'Ferretería '.repeat(14),
        email: 'luis@ferreteria.test',
        password: PASSWORD,
        _csrf: anon.csrf(),
      });
    },
  },
  {
    name: 'sign-up refused: control characters in the shop name',
    shows: ['error.tenant_name_invalid'],
    page: async () => {
      await anon.get('/signup');
      return anon.postForm('/signup', {
        tenant_name: 'Ferre\u0000tería',
        email: 'luis@ferreteria.test',
        password: PASSWORD,
        _csrf: anon.csrf(),
      });
    },
  },
  {
    name: 'sign-up refused: the email is taken',
    shows: ['error.email_taken'],
    page: async () => {
      await anon.get('/signup');
      return anon.postForm('/signup', { tenant_name: 'Otra tienda', email: 'ana@ferreteria.test', password: PASSWORD, _csrf: anon.csrf() });
    },
  },
  { name: '404 (logged out)', status: 404, shows: ['errorpage.404'], page: () => anon.get('/no-existe') },
  { name: '400: a broken %-escape in the address', status: 400, page: () => anon.get('/products/%E0%A4%A') },

  // Logged in
  { name: 'products, empty (after the welcome)', shows: ['flash.welcome', 'products.empty'], page: () => owner.get('/products') },
  { name: 'home (logged in → products)', page: async () => follow(owner, await owner.get('/')) },
  { name: 'new product form', page: () => owner.get('/products/new') },
  {
    name: 'new product refused: every field',
    shows: ['error.name_required', 'error.sku_invalid', 'error.description_invalid'],
    page: () => postNew({ name: '', sku: 'mal sku!', uom_id: '999', sale_price: 'abc', description: 'con\u0000control' }),
  },
  {
    name: 'new product refused: name too long, price unreadable',
    shows: ['error.name_too_long'],
    page: () => postNew(productFields({ name: 'M'.repeat(300), sale_price: '1,2,3' })),
  },
  {
    name: 'new product refused: control characters in the name',
    shows: ['error.name_invalid'],
    page: () => postNew(productFields({ name: 'Mar\u0001tillo' })),
  },
  {
    name: 'new product refused: description too long',
    shows: ['error.description_too_long'],
    page: () => postNew(productFields({ description: 'largo '.repeat(2000) })),
  },
  { name: 'new product refused: no SKU', shows: ['error.sku_required'], page: () => postNew(productFields({ sku: '' })) },
  { name: 'new product refused: no such unit', shows: ['error.uom_invalid'], page: () => postNew(productFields({ uom_id: '999' })) },
  {
    name: 'new product refused: file too large',
    shows: ['flash.file_too_large'],
    page: async () => postNew(productFields(), { name: 'grande.png', bytes: Buffer.alloc(MAX_UPLOAD + 1024, 1), type: 'image/png' }),
  },
  {
    name: 'new product refused: a PDF',
    shows: ['flash.file_type_not_allowed'],
    page: () => postNew(productFields(), { name: 'factura.jpg', bytes: Buffer.from('%PDF-1.7\n%%EOF\n'), type: 'image/jpeg' }),
  },
  {
    name: 'new product refused: an empty file',
    shows: ['error.image_empty'],
    page: () => postNew(productFields(), { name: 'vacio.jpg', bytes: Buffer.alloc(0), type: 'image/jpeg' }),
  },
  {
    name: 'new product refused: a damaged JPEG',
    shows: ['error.image_damaged'],
    page: async () => postNew(productFields(), { name: 'roto.jpg', bytes: await jpegBadScan(), type: 'image/jpeg' }),
  },
  {
    name: 'new product refused: the SKU exists',
    shows: ['error.sku_taken'],
    page: async () => {
      productId = productIdFrom(await postNew(productFields({ sku: 'MART-EXISTE' }), await jpeg()));
      return postNew(productFields({ sku: 'MART-EXISTE' }));
    },
  },
  {
    name: 'new product refused: forged CSRF token',
    status: 403,
    shows: ['error.csrf'],
    page: () => owner.postMultipart('/products/new', { ...productFields(), _csrf: 'x.y' }),
  },
  {
    name: 'product created (flash, image processing)',
    shows: ['flash.product_created', 'image.processing'],
    page: async () => follow(owner, await postNew(productFields({ name: 'Destornillador plano' }), await jpeg('destornillador.jpg'))),
  },
  {
    name: 'product detail, image ready',
    page: async () => {
      await t.drain();
      return owner.get(`/products/${productId}`);
    },
  },
  {
    name: 'product detail, image broken',
    shows: ['uploads.broken_title', 'uploads.upload_again'],
    page: async () => {
      const id = productIdFrom(await postNew(productFields({ name: 'Nivel de burbuja' }), await jpeg('nivel.jpg')));
      const { image_asset_id } = await t.runtime.db
        .selectFrom('products')
        .select('image_asset_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      await t.runtime.db
        .updateTable('assets')
        .set({ status: 'broken', last_error: 'VipsJpeg: Premature end of JPEG file' })
        .where('id', '=', image_asset_id!)
        .execute();
      brokenId = id;
      return owner.get(`/products/${id}`);
    },
  },
  { name: 'edit form, image broken', shows: ['uploads.broken_title'], page: async () => owner.get(`/products/${brokenId}/edit`) },
  { name: 'products with products', page: () => owner.get('/products') },
  { name: 'products, a search with no results', page: () => owner.get('/products?q=tornillos') },
  { name: 'products, a page beyond the end', status: [200, 404], page: () => owner.get('/products?page=99') },
  { name: 'edit form', page: async () => owner.get(`/products/${productId}/edit`) },
  { name: 'edit refused', page: async () => postEdit(productId, productFields({ name: '', sale_price: 'doce' })) },
  {
    name: 'product updated (flash)',
    shows: ['flash.product_updated'],
    page: async () => follow(owner, await postEdit(productId, productFields({ name: 'Martillo de bola' }))),
  },
  { name: '404: no such product', status: 404, shows: ['errorpage.404'], page: () => owner.get('/products/999999') },
  { name: "404: another shop's product", status: 404, page: () => owner.get(`/products/${otherTenantProductId}`) },
  { name: "404: another shop's product's edit form", status: 404, page: () => owner.get(`/products/${otherTenantProductId}/edit`) },
  { name: '404 (logged in)', status: 404, page: () => owner.get('/no-existe') },

  // Table view, sorting, stock (issue 15, item 5 and "stock on hand")
  { name: 'products as a table, by price', page: () => owner.get('/products?view=table&sort=price&dir=asc') },
  { name: 'products with low stock only, none', page: () => owner.get('/products?stock=low&view=grid') },
  {
    name: 'new product refused: stock is not a whole number',
    shows: ['stock.invalid'],
    page: () => postNew(productFields({ stock_quantity: '-3' })),
  },
  {
    name: 'products with low stock only, one',
    page: async () => {
      productIdFrom(await postNew(productFields({ name: 'Clavos de acero', stock_quantity: '2' })));
      return owner.get('/products?stock=low');
    },
  },

  // A photo kept when another field fails (item 1); an iPhone photo (item 7)
  {
    name: 'new product refused: an iPhone HEIC photo',
    shows: ['uploads.heic'],
    page: () => postNew(productFields(), { name: 'IMG_0001.HEIC', bytes: heicHeader(), type: 'image/heic' }),
  },
  {
    name: 'new product refused, the photo kept',
    shows: ['uploads.kept_title'],
    page: async () => {
      const res = await postNew(productFields({ name: 'Tenazas', sku: 'TEN-1', sale_price: 'doce' }), await jpeg('tenazas.jpg'));
      pendingToken = /name="pending_upload" value="([^"]{1,200})"/.exec(res.body)?.[1] ?? '';
      return res;
    },
  },
  {
    name: 'product created from the kept photo',
    shows: ['flash.product_created'],
    page: async () => {
      await owner.get('/products/new');
      const res = await owner.postMultipart('/products/new', {
        ...productFields({ name: 'Tenazas', sku: 'TEN-1' }),
        pending_upload: pendingToken,
        _csrf: owner.csrf(),
      });
      return follow(owner, res);
    },
  },
  {
    name: 'new product refused: the kept photo is gone',
    shows: ['uploads.pending_gone'],
    page: () => postNew({ ...productFields(), pending_upload: 'no-existe' }),
  },

  // Trash (undo a delete)
  {
    name: 'product deleted: in the trash, with undo',
    shows: ['trash.flash_in_trash'],
    page: async () => {
      trashedId = productIdFrom(await postNew(productFields({ name: 'Serrucho' })));
      await owner.get(`/products/${trashedId}`);
      return follow(owner, await owner.postForm(`/products/${trashedId}/delete`, { _csrf: owner.csrf() }));
    },
  },
  { name: 'trash with a product', page: () => owner.get('/products/trash') },
  {
    name: 'product restored',
    shows: ['trash.flash_restored'],
    page: async () => {
      await owner.get('/products/trash');
      return follow(owner, await owner.postForm(`/products/${trashedId}/restore`, { _csrf: owner.csrf() }));
    },
  },
  {
    name: 'product deleted forever',
    shows: ['trash.flash_deleted_forever'],
    page: async () => {
      await owner.get(`/products/${trashedId}`);
      await owner.postForm(`/products/${trashedId}/delete`, { _csrf: owner.csrf() });
      await owner.get('/products/trash');
      return follow(owner, await owner.postForm(`/products/${trashedId}/delete-forever`, { _csrf: owner.csrf() }));
    },
  },
  {
    name: 'trash emptied',
    shows: ['trash.flash_emptied'],
    page: async () => {
      const id = productIdFrom(await postNew(productFields({ name: 'Lima plana' })));
      await owner.get(`/products/${id}`);
      await owner.postForm(`/products/${id}/delete`, { _csrf: owner.csrf() });
      await owner.get('/products/trash');
      return follow(owner, await owner.postForm('/products/trash/empty', { _csrf: owner.csrf() }));
    },
  },
  { name: 'trash, empty', shows: ['trash.empty'], page: () => owner.get('/products/trash') },

  // Settings
  { name: 'settings', page: () => owner.get('/settings') },
  {
    name: 'settings refused: shop name, currency, language',
    shows: ['settings.name_required'],
    page: async () => {
      await owner.get('/settings');
      return owner.postForm('/settings', { name: '', currency: 'XYZ', default_locale: 'fr', _csrf: owner.csrf() });
    },
  },
  {
    name: 'settings saved',
    shows: ['settings.saved'],
    page: async () => {
      await owner.get('/settings');
      return follow(
        owner,
        await owner.postForm('/settings', { name: 'Ferretería Ana', currency: 'EUR', default_locale: 'es', _csrf: owner.csrf() }),
      );
    },
  },
  {
    name: 'password change refused: wrong current, too short, not repeated',
    page: async () => {
      await owner.get('/settings');
      return owner.postForm('/settings/password', {
        current_password: 'no es esta',
        new_password: 'corta',
        confirm_password: 'otra',
        _csrf: owner.csrf(),
      });
    },
  },
  {
    name: 'password change refused: not repeated',
    shows: ['settings.password_mismatch'],
    page: async () => {
      await owner.get('/settings');
      return owner.postForm('/settings/password', {
        current_password: PASSWORD,
        new_password: 'una contraseña nueva',
        confirm_password: 'otra contraseña nueva',
        _csrf: owner.csrf(),
      });
    },
  },
  {
    name: 'API key refused: no name',
    page: async () => {
      await owner.get('/settings');
      return owner.postForm('/settings/api-keys', { name: '', _csrf: owner.csrf() });
    },
  },
  {
    name: 'API key created (its token shown once)',
    page: async () => {
      await owner.get('/settings');
      const res = await owner.postForm('/settings/api-keys', { name: 'Caja registradora', _csrf: owner.csrf() });
      apiKeyId = /action="\/settings\/api-keys\/(\d{1,12})\/revoke"/.exec(res.body)?.[1] ?? '0';
      return res;
    },
  },
  {
    name: 'API key revoked',
    shows: ['settings.key_revoked'],
    page: async () => {
      await owner.get('/settings');
      return follow(owner, await owner.postForm(`/settings/api-keys/${apiKeyId}/revoke`, { _csrf: owner.csrf() }));
    },
  },

  // Team, invitations, password reset links
  { name: 'team', page: () => owner.get('/settings/team') },
  {
    name: 'team: an invitation link made',
    page: async () => {
      await owner.get('/settings/team');
      const res = await owner.postForm('/settings/team/invites', { role: 'editor', _csrf: owner.csrf() });
      invitePath = oneTimeLinkPath(res, 'invite_link');
      return res;
    },
  },
  { name: 'invitation', page: () => anon.get(invitePath) },
  {
    name: 'invitation refused: email, password, confirmation',
    page: async () => {
      await anon.get(invitePath);
      return anon.postForm(invitePath, { email: 'no-es-un-correo', password: 'corta', confirm: 'otra', _csrf: anon.csrf() });
    },
  },
  {
    name: 'invitation refused: the email is taken',
    shows: ['invite.email_taken'],
    page: async () => {
      await anon.get(invitePath);
      return anon.postForm(invitePath, { email: 'ana@ferreteria.test', password: PASSWORD, confirm: PASSWORD, _csrf: anon.csrf() });
    },
  },
  {
    name: 'invitation accepted: the new member is in',
    page: async () => {
      editor = spanishClient();
      await editor.get(invitePath);
      const res = await editor.postForm(invitePath, {
        email: 'eva@ferreteria.test',
        password: PASSWORD,
        confirm: PASSWORD,
        _csrf: editor.csrf(),
      });
      return follow(editor, res);
    },
  },
  { name: 'invitation used', status: 410, shows: ['invite.used'], page: () => anon.get(invitePath) },
  { name: 'invitation unknown', status: 404, page: () => anon.get(`/invite/${'x'.repeat(43)}`) },
  { name: 'team refused to an editor', status: 403, page: () => editor.get('/settings/team') },
  { name: 'settings of an editor', page: () => editor.get('/settings') },
  {
    name: 'team: a member made owner',
    shows: ['team.role_changed'],
    page: async () => {
      editorId = await userId('eva@ferreteria.test');
      await owner.get('/settings/team');
      return follow(owner, await owner.postForm(`/settings/team/members/${editorId}/role`, { role: 'owner', _csrf: owner.csrf() }));
    },
  },
  {
    name: 'team: a password reset link made',
    page: async () => {
      await owner.get('/settings/team');
      const res = await owner.postForm(`/settings/team/members/${editorId}/reset-link`, { _csrf: owner.csrf() });
      resetPath = oneTimeLinkPath(res, 'reset_link');
      return res;
    },
  },
  { name: 'password reset', page: () => anon.get(resetPath) },
  {
    name: 'password reset refused',
    page: async () => {
      await anon.get(resetPath);
      return anon.postForm(resetPath, { password: 'corta', confirm: 'otra', _csrf: anon.csrf() });
    },
  },
  {
    name: 'password reset done',
    shows: ['reset.done'],
    page: async () => {
      await anon.get(resetPath);
      return follow(
        anon,
        await anon.postForm(resetPath, { password: 'otra contraseña larga', confirm: 'otra contraseña larga', _csrf: anon.csrf() }),
      );
    },
  },
  { name: 'password reset link used', status: 410, shows: ['reset.used'], page: () => anon.get(resetPath) },
  { name: 'password reset link unknown', status: 404, page: () => anon.get(`/reset/${'x'.repeat(43)}`) },
  {
    name: 'team: an invitation revoked',
    shows: ['team.invite_revoked'],
    page: async () => {
      await owner.get('/settings/team');
      const made = await owner.postForm('/settings/team/invites', { role: 'owner', _csrf: owner.csrf() });
      const id = /action="\/settings\/team\/invites\/(\d{1,12})\/revoke"/.exec(made.body)?.[1] ?? '0';
      return follow(owner, await owner.postForm(`/settings/team/invites/${id}/revoke`, { _csrf: owner.csrf() }));
    },
  },
  {
    name: 'team: a member removed',
    shows: ['team.removed'],
    page: async () => {
      await owner.get('/settings/team');
      return follow(owner, await owner.postForm(`/settings/team/members/${editorId}/remove`, { _csrf: owner.csrf() }));
    },
  },
  {
    name: 'password changed',
    shows: ['settings.password_changed'],
    page: async () => {
      await owner.get('/settings');
      return follow(
        owner,
        await owner.postForm('/settings/password', {
          current_password: PASSWORD,
          new_password: 'una contraseña nueva',
          confirm_password: 'una contraseña nueva',
          _csrf: owner.csrf(),
        }),
      );
    },
  },
  {
    name: 'product deleted (flash)',
    shows: ['flash.product_deleted'],
    page: async () => {
      await owner.get(`/products/${productId}`);
      return follow(owner, await owner.postForm(`/products/${productId}/delete`, { _csrf: owner.csrf() }));
    },
  },
  {
    name: 'logged out (flash)',
    shows: ['flash.logged_out'],
    page: async () => {
      await owner.get('/products');
      return follow(owner, await owner.postForm('/logout', { _csrf: owner.csrf() }));
    },
  },
];

beforeAll(async () => {
  t = await startTestApp('pglite+local', { env: { MAX_UPLOAD_SIZE: String(MAX_UPLOAD) } });
  const other = new WebClient(t.app);
  await other.signUp('Otra Tienda', 'eva@otra.test');
  await other.get('/products/new');
  otherTenantProductId = productIdFrom(
    await other.postMultipart('/products/new', { ...productFields({ name: 'Sierra' }), _csrf: other.csrf() }),
  );
  anon = spanishClient();
  owner = spanishClient();
  await owner.signUp('Ferretería Ana', 'ana@ferreteria.test', PASSWORD);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('the detectors of English on a Spanish page', () => {
  it('no Spanish message contains one of the English words (the list stays honest)', () => {
    const hits = ENGLISH_WORDS.flatMap((word) =>
      Object.entries(es)
        .filter(([, text]) => containsWord(text.replace(/\{\w+\}/g, ' '), word))
        .map(([key, text]) => `"${word}" in ${key}: ${text}`),
    );
    expect(hits).toEqual([]);
  });

  it('looks for every English message of two words or more', () => {
    const fragments = englishFragments();
    expect(fragments).toContain('wrong email or password');
    expect(fragments).toContain('sku already exists');
    // Split at placeholders: "File too large. Maximum {size}".
    expect(fragments).toContain('file too large. maximum');
    // Identical in both languages ("SKU", "Error {status}"): nothing to look for.
    expect(fragments).not.toContain('error');
    expect(Object.keys(en).length).toBeGreaterThan(100);
  });

  it('a Spanish page with one English message fails both; the language switch does not', async () => {
    const page = await anon.get('/login');
    expect(page.statusCode).toBe(200);
    expect(describeFindings(findEnglish(pageTextsFromHtml(page.body)))).toEqual([]);
    const planted = page.body.replace('</main>', '<p class="flash">Wrong email or password</p></main>');
    const findings = findEnglish(pageTextsFromHtml(planted));
    expect(findings.map((f) => [f.detector, f.found])).toEqual(
      expect.arrayContaining([
        ['message', 'wrong email or password'],
        ['word', 'email'],
        ['word', 'or'],
        ['word', 'password'],
      ]),
    );
  });

  it('finds English in attributes, in hidden script messages and in an unknown sentence; a page marked English fails', async () => {
    const body = (await anon.get('/login')).body;
    const inAttribute = body.replace('</main>', '<img src="/x.png" alt="Preview of the chosen image"></main>');
    expect(findEnglish(pageTextsFromHtml(inAttribute)).map((f) => f.where)).toContain('attribute');
    const inScriptMessage = body.replace('</main>', '<form data-msg-failed="Upload failed" hidden></form></main>');
    expect(findEnglish(pageTextsFromHtml(inScriptMessage)).map((f) => f.found)).toContain('upload');
    const unknown = body.replace('</main>', '<p>Please wait while we check the file</p></main>');
    expect(findEnglish(pageTextsFromHtml(unknown)).map((f) => f.found)).toEqual(expect.arrayContaining(['please', 'the', 'file']));
    const english = body.replace('<html lang="es">', '<html lang="en">');
    expect(findEnglish(pageTextsFromHtml(english)).map((f) => f.detector)).toContain('document-lang');
  });
});

describe('every page in Spanish', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await c.page();
    expect([c.status ?? 200].flat(), res.body.slice(0, 500)).toContain(res.statusCode);
    expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
    const texts = pageTextsFromHtml(res.body);
    expect(describeFindings(findEnglish(texts))).toEqual([]);
    const shown = texts.text.join(' ').replace(/\s+/g, ' ');
    for (const key of c.shows ?? []) expect(shown, key).toContain(es[key].split(/\{\w+\}/)[0]!.trim());
  });
});
