/**
 * Attacks on the account pages (issue 15 review): a one-time link's token never reaches a log
 * line, an editor's refused post shows no member or invitation, and an owner made an editor
 * cannot come back as an owner through an invitation made before.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { redactUrl } from '../../src/redact-url.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { unescapeHtml } from '../support/page-helpers.js';
import { WebClient, type WebResponse } from '../support/web-client.js';

const PASSWORD = 'correct horse battery';

function shownOnce(body: string, id: string): string {
  const m = new RegExp(`id="${id}" type="text" readonly autofocus value="([^"]{1,300})"`).exec(body);
  if (!m) throw new Error(`the page shows no #${id}`);
  return unescapeHtml(m[1]!);
}

const pathOf = (url: string) => new URL(url).pathname;

async function post(web: WebClient, from: string, url: string, fields: Record<string, string> = {}): Promise<WebResponse> {
  await web.get(from);
  return web.postForm(url, { ...fields, _csrf: web.csrf() });
}

describe('account pages under attack (pglite+local)', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  let t: TestApp;
  let seq = 0;
  const email = (who: string) => `${who}-${++seq}@review.test`;

  beforeAll(async () => {
    // A still clock: the 5 s account cache holds for the whole test unless a change here forgets it.
    const frozen = Date.now();
    t = await startTestApp('pglite+local', { logger: createLogger({ level: 'info', destination: sink }), now: () => frozen });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function newShop(): Promise<{ web: WebClient; email: string }> {
    const web = new WebClient(t.app);
    const owner = email('owner');
    await web.signUp('Acme', owner);
    return { web, email: owner };
  }

  async function join(owner: WebClient, who: string, role: 'owner' | 'editor'): Promise<WebClient> {
    const link = pathOf(shownOnce((await post(owner, '/settings/team', '/settings/team/invites', { role })).body, 'invite_link'));
    const guest = new WebClient(t.app);
    await guest.get(link);
    const joined = await guest.postForm(link, { email: who, password: PASSWORD, confirm: PASSWORD, _csrf: guest.csrf() });
    expect([joined.statusCode, joined.headers.location]).toEqual([302, '/products']);
    return guest;
  }

  const userId = async (address: string) =>
    String((await t.runtime.db.selectFrom('users').select('id').where('email', '=', address).executeTakeFirstOrThrow()).id);

  it('redactUrl masks the token of an invitation or reset path, and only that', () => {
    const token = 'A'.repeat(43);
    expect(redactUrl(`/invite/${token}`)).toBe('/invite/***');
    expect(redactUrl(`/reset/${token}?lang=es`)).toBe('/reset/***?lang=es');
    expect(redactUrl(`/RESET/${token}`)).toBe('/reset/***');
    expect(redactUrl('/products/12?page=2')).toBe('/products/12?page=2');
    expect(redactUrl('/settings/team/invites')).toBe('/settings/team/invites');
  });

  it('no log line carries an invitation or reset token (GET and POST of both pages)', async () => {
    const { web: owner } = await newShop();
    const created = await post(owner, '/settings/team', '/settings/team/invites', { role: 'editor' });
    const inviteLink = pathOf(shownOnce(created.body, 'invite_link'));
    const inviteToken = inviteLink.split('/')[2]!;
    const guest = new WebClient(t.app);
    // The language switch: answered with a redirect that drops ?lang=, logged with the token masked.
    expect((await guest.get(`${inviteLink}?lang=es`)).statusCode).toBe(303);
    expect((await guest.get(inviteLink)).statusCode).toBe(200);
    const memberEmail = email('member');
    expect(
      (await guest.postForm(inviteLink, { email: memberEmail, password: PASSWORD, confirm: PASSWORD, _csrf: guest.csrf() })).statusCode,
    ).toBe(302);

    const made = await post(owner, '/settings/team', `/settings/team/members/${await userId(memberEmail)}/reset-link`);
    const resetLink = pathOf(shownOnce(made.body, 'reset_link'));
    const resetToken = resetLink.split('/')[2]!;
    const stranger = new WebClient(t.app);
    expect((await stranger.get(resetLink)).statusCode).toBe(200);
    expect((await stranger.postForm(resetLink, { password: 'short', confirm: 'short', _csrf: stranger.csrf() })).statusCode).toBe(200);

    const logged = lines.join('\n');
    expect(logged).toContain('"url":"/invite/***?lang=es"');
    expect(logged).toContain('"url":"/reset/***"');
    expect(logged).not.toContain(inviteToken);
    expect(logged).not.toContain(resetToken);
  });

  it("an editor's post with a stale CSRF token shows no member or invitation (403), on every team route", async () => {
    const { web: owner, email: ownerEmail } = await newShop();
    await post(owner, '/settings/team', '/settings/team/invites', { role: 'owner' });
    const editor = await join(owner, email('editor'), 'editor');
    const ownerId = await userId(ownerEmail);
    for (const url of [
      '/settings/team/invites',
      '/settings/team/invites/1/revoke',
      `/settings/team/members/${ownerId}/remove`,
      `/settings/team/members/${ownerId}/role`,
      `/settings/team/members/${ownerId}/reset-link`,
    ]) {
      const res = await editor.postForm(url, { _csrf: 'stale', role: 'editor' });
      expect([url, res.statusCode]).toEqual([url, 403]);
      expect(res.body).not.toContain(ownerEmail);
      expect(res.body).not.toContain('members-heading');
      expect(res.body).not.toContain('pending-heading');
    }
    // The owner's own stale post still gets the team page back, with why.
    const mine = await owner.postForm('/settings/team/invites', { _csrf: 'stale', role: 'editor' });
    expect(mine.statusCode).toBe(403);
    expect(mine.body).toContain(ownerEmail);
  });

  it('an owner made an editor loses the invitations they made: none brings them back as an owner', async () => {
    const { web: first } = await newShop();
    const secondEmail = email('second');
    const second = await join(first, secondEmail, 'owner');
    const kept = pathOf(shownOnce((await post(second, '/settings/team', '/settings/team/invites', { role: 'owner' })).body, 'invite_link'));
    const firstOwn = pathOf(
      shownOnce((await post(first, '/settings/team', '/settings/team/invites', { role: 'editor' })).body, 'invite_link'),
    );

    const demoted = await post(first, '/settings/team', `/settings/team/members/${await userId(secondEmail)}/role`, { role: 'editor' });
    expect(demoted.statusCode).toBe(302);

    const comeback = new WebClient(t.app);
    expect((await comeback.get(kept)).statusCode).toBe(404);
    await comeback.get('/login');
    const tried = await comeback.postForm(kept, { email: email('alias'), password: PASSWORD, confirm: PASSWORD, _csrf: comeback.csrf() });
    expect(tried.statusCode).toBe(404);
    const owners = await t.runtime.db
      .selectFrom('users')
      .select('email')
      .where('role', '=', 'owner')
      .where('email', 'like', 'alias-%')
      .execute();
    expect(owners).toEqual([]);
    // The invitation the remaining owner made still works.
    expect((await new WebClient(t.app).get(firstOwn)).statusCode).toBe(200);
  });

  it("an owner made an editor on another instance (this one's cache still says owner) can make no owner-only change", async () => {
    const { web: first, email: firstEmail } = await newShop();
    const secondEmail = email('second');
    const second = await join(first, secondEmail, 'owner');
    expect((await second.get('/settings/team')).statusCode).toBe(200);
    const secondId = await userId(secondEmail);
    const tenantId = (
      await t.runtime.db.selectFrom('users').select('tenant_id').where('id', '=', Number(secondId)).executeTakeFirstOrThrow()
    ).tenant_id;
    // What another instance's demotion looks like from here: the row changed, this cache not told.
    await t.runtime.db.updateTable('users').set({ role: 'editor' }).where('id', '=', Number(secondId)).execute();
    const links = () =>
      t.runtime.db
        .selectFrom('one_time_links')
        .select(['id', 'kind', 'user_id', 'created_at'])
        .where('tenant_id', '=', tenantId)
        .where('used_at', 'is', null)
        .execute();
    const keys = () => t.runtime.db.selectFrom('api_keys').select('id').where('tenant_id', '=', tenantId).execute();
    const [linksBefore, keysBefore] = [await links(), await keys()];

    const firstId = await userId(firstEmail);
    for (const [url, fields] of [
      [`/settings/team/members/${firstId}/reset-link`, {}],
      [`/settings/team/members/${firstId}/role`, { role: 'editor' }],
      [`/settings/team/members/${firstId}/remove`, {}],
      ['/settings/team/invites', { role: 'owner' }],
      ['/settings/api-keys', { name: 'mine' }],
      ['/settings', { name: 'Taken over', currency: 'EUR', default_locale: '' }],
    ] as const) {
      const res = await post(second, '/settings', url, fields);
      expect([url, res.statusCode]).toEqual([url, 403]);
      expect(res.body).not.toContain('reset_link');
    }
    expect(await links()).toEqual(linksBefore);
    expect(await keys()).toEqual(keysBefore);
    const owners = await t.runtime.db
      .selectFrom('users')
      .select('email')
      .where('tenant_id', '=', tenantId)
      .where('role', '=', 'owner')
      .execute();
    expect(owners).toEqual([{ email: firstEmail }]);
  });

  it('a shop has at most 50 open invitations: the 51st is refused with what to do (409), a revoked one makes room', async () => {
    const { web: owner, email: ownerEmail } = await newShop();
    const ownerId = Number(await userId(ownerEmail));
    const { tenant_id: tenantId } = await t.runtime.db
      .selectFrom('users')
      .select('tenant_id')
      .where('id', '=', ownerId)
      .executeTakeFirstOrThrow();
    const first = await post(owner, '/settings/team', '/settings/team/invites', { role: 'editor' });
    expect(first.statusCode).toBe(200);
    await t.runtime.db
      .insertInto('one_time_links')
      .values(
        Array.from({ length: 49 }, (_, i) => ({
          kind: 'invite',
          tenant_id: tenantId,
          user_id: ownerId,
          role: 'editor',
          token_hash: `review-cap-${tenantId}-${i}`,
          expires_at: new Date(Date.now() + 3600_000),
        })),
      )
      .execute();
    const refused = await post(owner, '/settings/team', '/settings/team/invites', { role: 'editor' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('The shop already has 50 open invitations.');
    expect(refused.body).not.toContain('id="invite_link"');
    owner.cookies.set('lang', 'es');
    const spanish = await post(owner, '/settings/team', '/settings/team/invites', { role: 'editor' });
    expect(spanish.statusCode).toBe(409);
    expect(spanish.body).toContain('La tienda ya tiene 50 invitaciones abiertas.');
    owner.cookies.set('lang', 'en');
    const open = await t.runtime.db.selectFrom('one_time_links').select('id').where('tenant_id', '=', tenantId).orderBy('id').execute();
    expect(open).toHaveLength(50);

    expect((await post(owner, '/settings/team', `/settings/team/invites/${open[0]!.id}/revoke`)).statusCode).toBe(302);
    const made = await post(owner, '/settings/team', '/settings/team/invites', { role: 'editor' });
    expect(made.statusCode).toBe(200);
    expect(made.body).toContain('id="invite_link"');
  });

  it("the answer to a settings or team post switches language to the page's own address, which exists (not the post's, a 404)", async () => {
    const { web: owner } = await newShop();
    const invited = await post(owner, '/settings/team', '/settings/team/invites', { role: 'editor' });
    expect(invited.body).toContain('href="/settings/team?lang=es"');
    expect(invited.body).not.toContain('href="/settings/team/invites?lang=es"');
    const keyed = await post(owner, '/settings', '/settings/api-keys', { name: 'shop sync' });
    expect(keyed.body).toContain('href="/settings?lang=es"');
    expect(keyed.body).not.toContain('/settings/api-keys?lang=');
    const refused = await post(owner, '/settings', '/settings/password', {
      current_password: 'wrong one',
      new_password: 'x',
      confirm_password: 'x',
    });
    expect(refused.body).toContain('href="/settings?lang=es"');
    expect((await owner.get('/settings/team?lang=es')).statusCode).toBe(303);
  });
});
