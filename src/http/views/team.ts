/**
 * GET /settings/team (owners only): the members with their role and what an owner can do to
 * each (change the role, make a password reset link, remove), the invitations not used yet,
 * and a form for a new one. A link just made is shown once, to copy and send.
 */
import { t, type Locale } from '../i18n/index.js';
import { formatDate, formatDateTime, oneTimeSecret, roleName, selectField } from './account-parts.js';
import type { InviteRow, MemberRow, Role, TeamModel } from './account-types.js';
import { csrfField } from './fields.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

const ROLES: readonly Role[] = ['owner', 'editor'];

export function teamPage(model: TeamModel): string {
  const { locale } = model.page;
  const csrf = model.page.csrfToken;
  const body = html`<section class="account-page">
<h1>${t(locale, 'team.title')}</h1>
<p><a href="/settings">${t(locale, 'settings.title')}</a></p>
${model.newInviteUrl === undefined ? '' : oneTimeSecret('invite_link', t(locale, 'team.invite_link_label'), model.newInviteUrl, t(locale, 'team.invite_link_hint'))}
${model.resetLink === undefined ? '' : oneTimeSecret('reset_link', t(locale, 'team.reset_link_heading', { email: model.resetLink.email }), model.resetLink.url, t(locale, 'team.reset_link_hint', { email: model.resetLink.email }))}
<section class="settings-section" aria-labelledby="members-heading">
<h2 id="members-heading">${t(locale, 'team.members')}</h2>
<p class="hint">${t(locale, 'team.role_help')}</p>
<div class="table-scroll"><table class="account-table">
<caption class="visually-hidden">${t(locale, 'team.members_caption', { shop: model.shopName })}</caption>
<thead><tr><th scope="col">${t(locale, 'team.email')}</th><th scope="col">${t(locale, 'team.role')}</th><th scope="col">${t(locale, 'team.joined')}</th><th scope="col">${t(locale, 'team.actions')}</th></tr></thead>
<tbody>${model.members.map((m) => memberRow(locale, csrf, m, m.id === model.selfId))}</tbody>
</table></div>
</section>
<section class="settings-section" aria-labelledby="invite-heading">
<h2 id="invite-heading">${t(locale, 'team.invite_heading')}</h2>
<form method="post" action="/settings/team/invites" class="stack">
  ${csrfField(csrf)}
  ${selectField(locale, { id: 'invite_role', name: 'role', label: t(locale, 'team.invite_role'), value: 'editor', options: ROLES.map((r) => ({ value: r, label: roleName(locale, r) })) })}
  <button type="submit" class="button primary">${t(locale, 'team.invite_create')}</button>
</form>
</section>
<section class="settings-section" aria-labelledby="pending-heading">
<h2 id="pending-heading">${t(locale, 'team.pending')}</h2>
${model.invites.length === 0 ? html`<p>${t(locale, 'team.pending_none')}</p>` : invitesTable(locale, csrf, model.invites)}
</section>
</section>`;
  return layout(model.page, t(locale, 'team.title'), body);
}

function memberRow(locale: Locale, csrf: string | undefined, m: MemberRow, self: boolean): SafeHtml {
  const id = String(m.id);
  const roleId = `role_${id}`;
  return html`<tr>
  <td data-label="${t(locale, 'team.email')}">${m.email}${self ? html` <span class="hint">${t(locale, 'team.you')}</span>` : ''}</td>
  <td data-label="${t(locale, 'team.role')}">${roleName(locale, m.role)}</td>
  <td data-label="${t(locale, 'team.joined')}">${formatDate(locale, m.joinedAt)}</td>
  <td><div class="member-actions">
    <form method="post" action="/settings/team/members/${id}/role" class="inline-form">
      ${csrfField(csrf)}
      <label for="${roleId}" class="visually-hidden">${t(locale, 'team.role_for', { email: m.email })}</label>
      <select id="${roleId}" name="role">${ROLES.map((r) => html`<option value="${r}"${r === m.role ? html` selected` : ''}>${roleName(locale, r)}</option>`)}</select>
      <button type="submit" class="link-button">${t(locale, 'team.change_role')}</button>
    </form>
    <form method="post" action="/settings/team/members/${id}/reset-link" class="inline-form">
      ${csrfField(csrf)}
      <button type="submit" class="link-button" aria-label="${t(locale, 'team.reset_link_label', { email: m.email })}">${t(locale, 'team.reset_link')}</button>
    </form>
    ${
      self
        ? ''
        : html`<form method="post" action="/settings/team/members/${id}/remove" class="inline-form">
      ${csrfField(csrf)}
      <button type="submit" class="link-button" aria-label="${t(locale, 'team.remove_label', { email: m.email })}">${t(locale, 'team.remove')}</button>
    </form>`
    }
  </div></td>
</tr>`;
}

function invitesTable(locale: Locale, csrf: string | undefined, invites: readonly InviteRow[]): SafeHtml {
  return html`<div class="table-scroll"><table class="account-table">
<caption class="visually-hidden">${t(locale, 'team.pending_caption')}</caption>
<thead><tr><th scope="col">${t(locale, 'team.role')}</th><th scope="col">${t(locale, 'team.created')}</th><th scope="col">${t(locale, 'team.expires')}</th><th scope="col">${t(locale, 'team.actions')}</th></tr></thead>
<tbody>${invites.map(
    (i) => html`<tr>
  <td data-label="${t(locale, 'team.role')}">${roleName(locale, i.role)}</td>
  <td data-label="${t(locale, 'team.created')}">${formatDateTime(locale, i.createdAt)}</td>
  <td data-label="${t(locale, 'team.expires')}">${formatDateTime(locale, i.expiresAt)}</td>
  <td><form method="post" action="/settings/team/invites/${String(i.id)}/revoke" class="inline-form">${csrfField(csrf)}<button type="submit" class="link-button" aria-label="${t(locale, 'team.revoke_label', { role: roleName(locale, i.role), date: formatDateTime(locale, i.createdAt) })}">${t(locale, 'team.revoke')}</button></form></td>
</tr>`,
  )}</tbody>
</table></div>`;
}
