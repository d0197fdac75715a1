/**
 * The hidden field that names a form's kept image (`pending_upload`): its id and a MAC over
 * id, tenant, user and form under the `pending-upload` purpose key (tenancy/hmac.ts). Another
 * user's, another tenant's or another form's token does not verify; a used or discarded one
 * verifies but finds no row (catalog/pending-uploads.ts), so a replay is refused either way.
 *
 * @example
 *   const token = pendingToken(secret, { id, tenantId: 1, userId: 2, form: 'new' });
 *   pendingIdFrom(secret, token, { tenantId: 1, userId: 2, form: 'new' });   // id, or undefined
 */
import { hmac, purposeKey, sameMac } from '../../tenancy/hmac.js';
import type { PendingForm } from '../../catalog/pending-uploads.js';
import { validate as isUuid } from 'uuid';

const PURPOSE = 'pending-upload';
/** A uuid, a dot and a 43-character MAC: anything much longer is not one. */
const MAX_TOKEN_CHARS = 100;

function mac(secret: string, id: string, form: PendingForm): string {
  return hmac(purposeKey(secret, PURPOSE), JSON.stringify([id, form.tenantId, form.userId, form.form]));
}

export function pendingToken(secret: string, owner: PendingForm & { id: string }): string {
  return `${owner.id}.${mac(secret, owner.id, owner)}`;
}

/** The pending upload's id if `token` was made for this tenant, user and form; undefined otherwise. */
export function pendingIdFrom(secret: string, token: string | undefined, form: PendingForm): string | undefined {
  if (token === undefined || token.length > MAX_TOKEN_CHARS) return undefined;
  const dot = token.indexOf('.');
  if (dot < 0) return undefined;
  const id = token.slice(0, dot);
  if (!isUuid(id)) return undefined;
  return sameMac(token.slice(dot + 1), mac(secret, id, form)) ? id : undefined;
}
