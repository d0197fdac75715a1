/**
 * Settings, team, invitations and password resets through the pages (issue 15), on both stacks:
 * each form's refusals (message, nothing written), roles (an editor gets 403), one-time links
 * (once, expiring with a moved clock, another tenant's cannot be touched), and sessions that
 * end when they should — a password change, a removed member, a reset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser } from '../../src/cli/commands/user.js';
import { resetLinkCommand } from '../../src/cli/commands/user-access.js';
import type { CommandIo } from '../../src/cli/commands/command-io.js';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { vitrinaInProcess } from '../support/cli-in-process.js';
import { unescapeHtml } from '../support/page-helpers.js';
import { WebClient, type WebResponse } from '../support/web-client.js';

const PASSWORD = 'correct horse battery';

/** The value of the read-only input with this id (a link or key shown once). */
function shownOnce(body: string, id: string): string {
  const m = new RegExp(`id="${id}" type="text" readonly autofocus value="([^"]{1,300})"`).exec(body);
  if (!m) throw new Error(`the page shows no #${id}`);
  return unescapeHtml(m[1]!);
}

/** The path of a link shown on the page (`http://host/invite/…` → `/invite/…`). */
const pathOf = (url: string) => new URL(url).pathname;

const summaryOf = (res: WebResponse) => /class="error-summary"[\s\S]{0,2000}?<\/div>/.exec(res.body)?.[0] ?? '';

async function logIn(t: TestApp, email: string, password = PASSWORD, web = new WebClient(t.app)): Promise<WebClient> {
  await web.get('/login');
  const res = await web.postForm('/login', { email, password, _csrf: web.csrf() });
  expect([res.statusCode, res.headers.location]).toEqual([302, '/products']);
  return web;
}

/** Posts a form from the page at `from` (for its CSRF token). */
async function post(web: WebClient, from: string, url: string, fields: Record<string, string> = {}): Promise<WebResponse> {
  await web.get(from);
  return web.postForm(url, { ...fields, _csrf: web.csrf() });
}

/** An owner invites someone with `role`; they join through the link; returns their logged-in client. */
async function join(t: TestApp, owner: WebClient, email: string, role: 'owner' | 'editor'): Promise<WebClient> {
  const created = await post(owner, '/settings/team', '/settings/team/invites', { role });
  expect(created.statusCode).toBe(200);
  const link = pathOf(shownOnce(created.body, 'invite_link'));
  const guest = new WebClient(t.app);
  await guest.get(link);
  const joined = await guest.postForm(link, { email, password: PASSWORD, confirm: PASSWORD, _csrf: guest.csrf() });
  expect([joined.statusCode, joined.headers.location]).toEqual([302, '/products']);
  return guest;
}

function testClock() {
  const clock = { ms: Date.now() };
  return { clock, now: () => clock.ms };
}

describe.each(STACKS)('account pages (%s)', (stack) => {
  const { clock, now } = testClock();
  let t: TestApp;
  let seq = 0;
  const email = (who: string) => `${who}-${++seq}@acct.test`;

  beforeAll(async () => {
    t = await startTestApp(stack, { now });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function newShop(name = 'Acme'): Promise<{ web: WebClient; email: string }> {
    const web = new WebClient(t.app);
    const owner = email('owner');
    await web.signUp(name, owner);
    return { web, email: owner };
  }

  async function tenantOf(ownerEmail: string) {
    return t.runtime.db
      .selectFrom('tenants as t')
      .innerJoin('users as u', 'u.tenant_id', 't.id')
      .select(['t.id', 't.name', 't.currency', 't.default_locale'])
      .where('u.email', '=', ownerEmail)
      .executeTakeFirstOrThrow();
  }

  it('settings: refuses a 150-character name, an unknown currency and a bad language, each with its message; saves good values', async () => {
    const { web, email: owner } = await newShop('Ferretería Ana');
    const page = await web.get('/settings');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<option value="EUR">Euro (EUR)</option>');
    const bad = await post(web, '/settings', '/settings', { name: 'x'.repeat(150), currency: 'XYZ', default_locale: 'fr' });
    expect(bad.statusCode).toBe(200);
    const summary = summaryOf(bad);
    expect(summary).toContain('<a href="#name">Shop name must be 100 characters or fewer</a>');
    expect(summary).toContain('<a href="#currency">Choose a currency from the list</a>');
    expect(summary).toContain('<a href="#default_locale">Choose a language from the list</a>');
    expect(bad.body).toContain(`value="${'x'.repeat(150)}"`);
    expect(await tenantOf(owner)).toMatchObject({ name: 'Ferretería Ana', currency: 'USD', default_locale: null });

    const blank = await post(web, '/settings', '/settings', { name: '  ', currency: 'EUR', default_locale: '' });
    expect(summaryOf(blank)).toContain('Enter the shop name');

    const saved = await post(web, '/settings', '/settings', { name: 'Ferretería Ana e Hijos', currency: 'EUR', default_locale: 'es' });
    expect([saved.statusCode, saved.headers.location]).toEqual([302, '/settings']);
    expect(await tenantOf(owner)).toMatchObject({ name: 'Ferretería Ana e Hijos', currency: 'EUR', default_locale: 'es' });
    // At once on this instance (the 5 s account cache was told), in the shop's language since this browser chose none.
    const after = await web.get('/settings', { 'accept-language': 'en' });
    expect(after.body).toContain('<html lang="es">');
    expect(after.body).toContain('Ajustes guardados');
    expect(after.body).toContain('<span class="tenant">Ferretería Ana e Hijos</span>');
    expect(after.body).toContain('<option value="EUR" selected>');
    // A language picked in this browser wins over the shop's.
    web.cookies.set('lang', 'en');
    expect((await web.get('/products')).body).toContain('<html lang="en">');
  });

  it('change password: wrong current, too short and mismatched are refused; a change ends the other sessions, keeps this one', async () => {
    const { web, email: owner } = await newShop();
    const other = await logIn(t, owner);
    const wrong = await post(web, '/settings', '/settings/password', {
      current_password: 'not the password',
      new_password: 'a brand new password',
      confirm_password: 'a brand new password',
    });
    expect(summaryOf(wrong)).toContain('<a href="#current_password">The current password is not right</a>');
    const short = await post(web, '/settings', '/settings/password', {
      current_password: PASSWORD,
      new_password: 'short',
      confirm_password: 'short',
    });
    expect(summaryOf(short)).toContain('<a href="#new_password">Use a password of at least 8 characters</a>');
    const mismatch = await post(web, '/settings', '/settings/password', {
      current_password: PASSWORD,
      new_password: 'a brand new password',
      confirm_password: 'a brand new passwort',
    });
    expect(summaryOf(mismatch)).toContain('<a href="#confirm_password">The two passwords do not match</a>');
    expect((await other.get('/products')).statusCode).toBe(200);

    const changed = await post(web, '/settings', '/settings/password', {
      current_password: PASSWORD,
      new_password: 'a brand new password',
      confirm_password: 'a brand new password',
    });
    expect([changed.statusCode, changed.headers.location]).toEqual([302, '/settings']);
    expect((await web.get('/settings')).body).toContain('Password changed');
    const ended = await other.get('/products');
    expect([ended.statusCode, ended.headers.location]).toEqual([302, '/login?next=%2Fproducts']);
    await logIn(t, owner, 'a brand new password');
  });

  it('API keys: created in the page (token shown once), it works on /api/v1, listed, then refused after revoke; another tenant cannot revoke it', async () => {
    const { web } = await newShop();
    const created = await post(web, '/settings', '/settings/api-keys', { name: 'shop sync' });
    expect(created.statusCode).toBe(200);
    const token = shownOnce(created.body, 'new_token');
    expect(token).toMatch(/^vk_[0-9a-f]{12}_[\w-]{43}$/);
    const api = () => t.app.inject({ method: 'GET', url: '/api/v1/products', headers: { authorization: `Bearer ${token}` } });
    expect((await api()).statusCode).toBe(200);
    const listed = await web.get('/settings');
    expect(listed.body).not.toContain(token);
    expect(listed.body).toContain(`<code>${token.slice(0, 15)}_…</code>`);
    expect(listed.body).toContain('>shop sync</td>');
    const id = /action="\/settings\/api-keys\/(\d+)\/revoke"/.exec(listed.body)![1]!;

    const noName = await post(web, '/settings', '/settings/api-keys', { name: '   ' });
    expect(summaryOf(noName)).toContain('Give the key a name of 1 to 100 characters');

    const { web: stranger } = await newShop('Other');
    const foreign = await post(stranger, '/settings', `/settings/api-keys/${id}/revoke`);
    expect(foreign.statusCode).toBe(404);
    expect((await api()).statusCode).toBe(200);

    const revoked = await post(web, '/settings', `/settings/api-keys/${id}/revoke`);
    expect([revoked.statusCode, revoked.headers.location]).toEqual([302, '/settings']);
    expect((await api()).statusCode).toBe(401);
    expect((await web.get('/settings')).body).not.toContain('>shop sync</td>');
  });

  it('invite: the link joins once with its role; an editor gets 403 on the team page and the keys; used twice → 410, nobody created', async () => {
    const { web: owner } = await newShop('Casa Eva');
    const created = await post(owner, '/settings/team', '/settings/team/invites', { role: 'editor' });
    const url = shownOnce(created.body, 'invite_link');
    expect(url).toMatch(new RegExp(`^${t.config.appUrl.replace(/\/$/, '')}/invite/[\\w-]{43}$`));
    const link = pathOf(url);
    const pending = await owner.get('/settings/team');
    expect(pending.body).toContain('Pending invitations');
    expect(pending.body).toMatch(/action="\/settings\/team\/invites\/\d+\/revoke"/);

    const guest = new WebClient(t.app);
    const page = await guest.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Join Casa Eva');
    const refused = await guest.postForm(link, { email: 'not-an-email', password: 'short', confirm: 'other', _csrf: guest.csrf() });
    expect(refused.statusCode).toBe(200);
    expect(summaryOf(refused)).toContain('<a href="#email">Enter a valid email address');
    expect(summaryOf(refused)).toContain('<a href="#password">Use a password of at least 8 characters</a>');
    const editorEmail = email('editor');
    const joined = await guest.postForm(link, { email: editorEmail, password: PASSWORD, confirm: PASSWORD, _csrf: guest.csrf() });
    expect([joined.statusCode, joined.headers.location]).toEqual([302, '/products']);
    const products = await guest.get('/products');
    expect(products.body).toContain('Welcome to Casa Eva');
    expect(products.body).toContain('<span class="tenant">Casa Eva</span>');

    const team = await guest.get('/settings/team');
    expect(team.statusCode).toBe(403);
    expect(team.body).toContain('Only an owner of the shop can manage its team and API keys.');
    expect((await guest.get('/settings/team', { 'accept-language': 'es' })).statusCode).toBe(403);
    const settings = await guest.get('/settings');
    expect(settings.statusCode).toBe(200);
    expect(settings.body).not.toContain('action="/settings/api-keys"');
    expect(settings.body).not.toContain('href="/settings/team"');
    expect(settings.body).toContain('Only an owner can change the shop settings.');
    expect((await post(guest, '/settings', '/settings/api-keys', { name: 'sneaky' })).statusCode).toBe(403);
    expect((await post(guest, '/settings', '/settings', { name: 'Mine now', currency: 'EUR', default_locale: '' })).statusCode).toBe(403);
    expect((await post(guest, '/settings', '/settings/team/invites', { role: 'owner' })).statusCode).toBe(403);

    const again = new WebClient(t.app);
    const used = await again.get(link);
    expect(used.statusCode).toBe(410);
    expect(used.body).toContain('This invitation has already been used.');
    const usersBefore = await t.runtime.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await again.get('/login');
    const second = await again.postForm(link, { email: email('late'), password: PASSWORD, confirm: PASSWORD, _csrf: again.csrf() });
    expect(second.statusCode).toBe(410);
    const usersAfter = await t.runtime.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(usersAfter.n)).toBe(Number(usersBefore.n));
    expect((await again.get('/invite/' + 'A'.repeat(43))).statusCode).toBe(404);
    expect((await again.get('/invite/short')).statusCode).toBe(404);
  });

  it('invite: expires after 7 days (moved clock); a revoked one stops working; another tenant cannot revoke it', async () => {
    const { web: owner } = await newShop();
    const first = pathOf(
      shownOnce((await post(owner, '/settings/team', '/settings/team/invites', { role: 'editor' })).body, 'invite_link'),
    );
    const second = pathOf(
      shownOnce((await post(owner, '/settings/team', '/settings/team/invites', { role: 'owner' })).body, 'invite_link'),
    );
    const ids = [...(await owner.get('/settings/team')).body.matchAll(/action="\/settings\/team\/invites\/(\d+)\/revoke"/g)].map(
      (m) => m[1]!,
    );
    expect(ids).toHaveLength(2);

    const { web: stranger } = await newShop('Other');
    expect((await post(stranger, '/settings', `/settings/team/invites/${ids[1]}/revoke`)).statusCode).toBe(404);
    const guest = new WebClient(t.app);
    expect((await guest.get(second)).statusCode).toBe(200);
    const revoked = await post(owner, '/settings/team', `/settings/team/invites/${ids[1]}/revoke`);
    expect([revoked.statusCode, revoked.headers.location]).toEqual([302, '/settings/team']);
    expect((await guest.get(second)).statusCode).toBe(404);

    const saved = clock.ms;
    try {
      clock.ms += 7 * 24 * 3600 * 1000 + 1000;
      const expired = await guest.get(first, { 'accept-language': 'es' });
      expect(expired.statusCode).toBe(410);
      expect(expired.body).toContain('Esta invitación ha caducado.');
    } finally {
      clock.ms = saved;
    }
    expect((await guest.get(first)).statusCode).toBe(200);
  });

  it('team: a removed member is logged out at once; the last owner can be neither demoted nor removed; another tenant’s member → 404', async () => {
    const { web: owner } = await newShop('Team shop');
    const editor = await join(t, owner, email('ed'), 'editor');
    expect((await editor.get('/products')).statusCode).toBe(200);
    const team = await owner.get('/settings/team');
    const ids = [...team.body.matchAll(/action="\/settings\/team\/members\/(\d+)\/role"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    const [ownerId, editorId] = ids as [string, string];
    expect(team.body).not.toContain(`/settings/team/members/${ownerId}/remove`);

    const demote = await post(owner, '/settings/team', `/settings/team/members/${ownerId}/role`, { role: 'editor' });
    expect(demote.statusCode).toBe(409);
    expect(demote.body).toContain('A shop needs at least one owner');
    const self = await post(owner, '/settings/team', `/settings/team/members/${ownerId}/remove`);
    expect(self.statusCode).toBe(409);
    expect(self.body).toContain('You cannot remove yourself');

    const { web: stranger } = await newShop('Other');
    expect((await post(stranger, '/settings', `/settings/team/members/${editorId}/remove`)).statusCode).toBe(404);
    expect((await post(stranger, '/settings', `/settings/team/members/${editorId}/role`, { role: 'owner' })).statusCode).toBe(404);
    expect((await post(stranger, '/settings', `/settings/team/members/${editorId}/reset-link`)).statusCode).toBe(404);

    // Promoted, the editor sees the team page at once; then two owners: the first may step down.
    expect((await post(owner, '/settings/team', `/settings/team/members/${editorId}/role`, { role: 'owner' })).statusCode).toBe(302);
    expect((await editor.get('/settings/team')).statusCode).toBe(200);
    // One who steps down lands on their settings, not on a team page they may no longer see.
    const stepDown = await post(editor, '/settings/team', `/settings/team/members/${editorId}/role`, { role: 'editor' });
    expect([stepDown.statusCode, stepDown.headers.location]).toEqual([302, '/settings']);
    expect((await editor.get('/settings/team')).statusCode).toBe(403);

    const removed = await post(owner, '/settings/team', `/settings/team/members/${editorId}/remove`);
    expect([removed.statusCode, removed.headers.location]).toEqual([302, '/settings/team']);
    const out = await editor.get('/products');
    expect([out.statusCode, out.headers.location]).toEqual([302, '/login?next=%2Fproducts']);
    expect((await owner.get('/settings/team')).body).not.toContain(`/settings/team/members/${editorId}/`);
  });

  it('reset link from the team page: sets the password once, ends the member’s sessions; a newer link replaces it; it expires after 1 h', async () => {
    const { web: owner } = await newShop();
    const memberEmail = email('member');
    const member = await join(t, owner, memberEmail, 'editor');
    const team = await owner.get('/settings/team');
    const memberId = [...team.body.matchAll(/action="\/settings\/team\/members\/(\d+)\/reset-link"/g)].map((m) => m[1]!)[1]!;
    const makeLink = async () =>
      pathOf(shownOnce((await post(owner, '/settings/team', `/settings/team/members/${memberId}/reset-link`)).body, 'reset_link'));

    const older = await makeLink();
    const link = await makeLink();
    const guest = new WebClient(t.app);
    expect((await guest.get(older)).statusCode).toBe(404);
    const form = await guest.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.body).not.toContain(memberEmail);
    const mismatch = await guest.postForm(link, { password: 'a new password!', confirm: 'another one', _csrf: guest.csrf() });
    expect(summaryOf(mismatch)).toContain('<a href="#confirm">The two passwords do not match</a>');
    const done = await guest.postForm(link, { password: 'a new password!', confirm: 'a new password!', _csrf: guest.csrf() });
    expect([done.statusCode, done.headers.location]).toEqual([302, '/login']);
    expect((await guest.get('/login')).body).toContain('Password set.');
    expect((await member.get('/products')).statusCode).toBe(302);
    await logIn(t, memberEmail, 'a new password!');
    expect((await guest.get(link)).statusCode).toBe(410);

    const late = await makeLink();
    const saved = clock.ms;
    try {
      clock.ms += 3600 * 1000 + 1000;
      const expired = await guest.get(late);
      expect(expired.statusCode).toBe(410);
      expect(expired.body).toContain('This password reset link has expired.');
    } finally {
      clock.ms = saved;
    }
  });

  it('reset link from the CLI: printed alone on stdout; an unknown email says what to fix; bad --expires-in is refused', async () => {
    const { email: owner } = await newShop();
    const io = { out: '', err: '' };
    const capture: CommandIo = { out: (s) => void (io.out += s), err: (s) => void (io.err += s) };
    const withDb = <T>(work: (db: typeof t.runtime.db) => Promise<T>) => work(t.runtime.db);
    const at = () => new Date(now());
    expect(await resetLinkCommand({ email: owner.toUpperCase(), expiresIn: '2h' }, t.config.appUrl, capture, withDb, at)).toBe(0);
    const url = io.out.trim();
    expect(url).toMatch(/\/reset\/[\w-]{43}$/);
    expect(io.err).toContain('expires in 2h');
    const guest = new WebClient(t.app);
    expect((await guest.get(pathOf(url))).statusCode).toBe(200);

    io.out = io.err = '';
    expect(await resetLinkCommand({ email: 'nobody@acct.test' }, t.config.appUrl, capture, withDb, at)).toBe(1);
    expect([io.out, io.err]).toEqual([
      '',
      'vitrina user reset-link: there is no user with the email nobody@acct.test; check the address for a typo.\n',
    ]);
    expect(await resetLinkCommand({ email: owner, expiresIn: 'forever' }, t.config.appUrl, capture, withDb, at)).toBe(2);
    expect(await resetLinkCommand({}, t.config.appUrl, capture, withDb, at)).toBe(2);

    if (t.database.url !== undefined) {
      // The whole command line, in-process, against the same PostgreSQL database.
      const env = {
        DATABASE_URL: t.database.url,
        DATA_DIR: t.config.dataDir,
        SECRET_KEY: 'test-secret-key-for-vitrina-tests-0123456789',
        APP_URL: 'https://shop.example',
      };
      const run = await vitrinaInProcess([registerUser], ['user', 'reset-link', '--email', owner], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^https:\/\/shop\.example\/reset\/[\w-]{43}\n$/);
      // The newer link replaced the one printed above.
      expect((await guest.get(pathOf(url))).statusCode).toBe(404);
      const missing = await vitrinaInProcess([registerUser], ['user', 'reset-link', '--email', 'nobody@acct.test'], env);
      expect([missing.code, missing.stdout]).toEqual([1, '']);
      expect(missing.stderr).toMatch(/there is no user with the email nobody@acct\.test/);
    }
  });
});
