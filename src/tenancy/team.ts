/**
 * A shop's members: who they are, their role, and the two changes an owner makes — a new role,
 * or removal. A shop always keeps an owner: the last one can be neither demoted nor removed,
 * and nobody removes themselves (an owner leaves by having another owner remove them). The
 * owners' rows are locked while the change is made, so two owners demoting each other at the
 * same moment cannot leave the shop without one. An owner made an editor loses the invitations
 * they made (a removed member's go with their row), so none brings them back as an owner.
 *
 * @example
 *   await removeMember(db, 42, { actorId: 7, userId: 9 });   // { ok: true }
 *   await changeRole(db, 42, { actorId: 7, userId: 7, role: 'editor' });   // { ok: false, problem: 'last_owner' } if 7 is the only owner
 */
import type { Db, UserRole } from '../db/schema.js';
import { deleteInvitesBy } from './one-time-links.js';
import { deleteUser, getUser, listUsers, lockOwners, setRole } from './users.repository.js';

export interface Member {
  readonly id: number;
  readonly email: string;
  readonly role: UserRole;
  readonly joinedAt: Date;
}

export async function listMembers(db: Db, tenantId: number): Promise<Member[]> {
  const users = await listUsers(db, tenantId);
  return users.map((u) => ({ id: u.id, email: u.email, role: u.role, joinedAt: u.created_at }));
}

/** Why a change to a member was refused; `not_found` also for another tenant's user. */
export type MemberChangeResult = { ok: true } | { ok: false; problem: 'not_found' | 'last_owner' | 'self' };

export async function removeMember(db: Db, tenantId: number, change: { actorId: number; userId: number }): Promise<MemberChangeResult> {
  if (change.actorId === change.userId) return { ok: false, problem: 'self' };
  return db.transaction().execute(async (trx): Promise<MemberChangeResult> => {
    const owners = await lockOwners(trx, tenantId);
    const user = await getUser(trx, tenantId, change.userId);
    if (user === undefined) return { ok: false, problem: 'not_found' };
    if (user.role === 'owner' && owners.length <= 1) return { ok: false, problem: 'last_owner' };
    await deleteUser(trx, tenantId, change.userId);
    return { ok: true };
  });
}

export async function changeRole(
  db: Db,
  tenantId: number,
  change: { actorId: number; userId: number; role: UserRole },
): Promise<MemberChangeResult> {
  return db.transaction().execute(async (trx): Promise<MemberChangeResult> => {
    const owners = await lockOwners(trx, tenantId);
    const user = await getUser(trx, tenantId, change.userId);
    if (user === undefined) return { ok: false, problem: 'not_found' };
    if (user.role === 'owner' && change.role !== 'owner' && owners.length <= 1) return { ok: false, problem: 'last_owner' };
    await setRole(trx, tenantId, change.userId, change.role);
    // An owner made an editor: the invitations they made (an owner's, perhaps) stop working with their right to make them.
    if (user.role === 'owner' && change.role === 'editor') await deleteInvitesBy(trx, tenantId, change.userId);
    return { ok: true };
  });
}

/** Whether the user is an owner of this tenant now, as the database says (not a cached session's account). */
export async function isOwner(db: Db, tenantId: number, userId: number): Promise<boolean> {
  return (await getUser(db, tenantId, userId))?.role === 'owner';
}

/** Whether the user is a member of this tenant (a reset link is made only for one's own members). */
export async function isMember(db: Db, tenantId: number, userId: number): Promise<boolean> {
  return (await getUser(db, tenantId, userId)) !== undefined;
}
