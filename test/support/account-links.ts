/**
 * The one-time links of the team page (issue 15), made through the pages as an owner would:
 * an invitation, a member who joins through it, a password reset link for that member. Works
 * over `app.inject` and over HTTP alike (a WebClient of either kind).
 *
 * @example
 *   const invite = await inviteLink(owner, 'editor');            // "/invite/…"
 *   const editor = await joinShop(new WebClient(t.app), invite, 'eva@shop.test');
 *   const reset = await resetLink(owner, memberId);               // "/reset/…"
 */
import { unescapeHtml } from './page-helpers.js';
import type { WebClient, WebResponse } from './web-client.js';

export const MEMBER_PASSWORD = 'caballo correcto batería';

/** The path of the link an owner copies from `#invite_link` or `#reset_link` on the team page just answered. */
export function oneTimeLinkPath(res: WebResponse, id: 'invite_link' | 'reset_link'): string {
  const tag = res.body.match(new RegExp(`<input id="${id}"[^>]{0,2000}>`))?.[0];
  const value = tag === undefined ? undefined : /\svalue="([^"]{1,2000})"/.exec(tag)?.[1];
  if (value === undefined) throw new Error(`no #${id} on the page (${res.statusCode}): ${res.body.slice(0, 300)}`);
  return new URL(unescapeHtml(value)).pathname;
}

/** An invitation to the owner's shop, as its path (`/invite/{token}`). */
export async function inviteLink(owner: WebClient, role: 'owner' | 'editor'): Promise<string> {
  await owner.get('/settings/team');
  return oneTimeLinkPath(await owner.postForm('/settings/team/invites', { role, _csrf: owner.csrf() }), 'invite_link');
}

/** Accepts an invitation with `client`, which is then logged in as the new member. */
export async function joinShop(client: WebClient, invitePath: string, email: string, password = MEMBER_PASSWORD): Promise<WebClient> {
  await client.get(invitePath);
  const res = await client.postForm(invitePath, { email, password, confirm: password, _csrf: client.csrf() });
  if (res.statusCode !== 302) throw new Error(`joining failed with ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return client;
}

/** A password reset link for a member of the owner's shop, as its path (`/reset/{token}`). */
export async function resetLink(owner: WebClient, memberId: number): Promise<string> {
  await owner.get('/settings/team');
  return oneTimeLinkPath(await owner.postForm(`/settings/team/members/${memberId}/reset-link`, { _csrf: owner.csrf() }), 'reset_link');
}
