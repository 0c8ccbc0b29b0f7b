/**
 * Accounts: a user joins a workspace through a membership. Sign-up, the team page (addMember)
 * and the demo seed all create users here, inside the caller's transaction.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../schema/entities/user.entity';
import { Workspace } from '../../schema/entities/workspace.entity';
import { Membership, type Role } from '../../schema/entities/membership.entity';
import { BotSettings } from '../../schema/entities/bot-settings.entity';
import { NEW_WORKSPACE_DEFAULT_REPLY } from '../../schema/bot-settings-defaults';

/** A user as the API shows it (never the password hash). */
export interface UserView {
  id: string;
  email: string;
  name: string;
}

/** A workspace as the API shows it. */
export interface WorkspaceView {
  id: string;
  name: string;
}

/** Thrown when the email already belongs to a user (emails are unique, case-insensitively). */
export class EmailTakenError extends Error {
  constructor() {
    super('an account with this email already exists');
  }
}

/** A user, a workspace they own, and its bot settings; run inside a transaction. */
export async function createAccount(
  em: EntityManager,
  input: { email: string; name: string; passwordHash: string; workspaceName: string },
): Promise<{ user: UserView; workspace: WorkspaceView }> {
  const workspace = em.create(Workspace, { id: randomUUID(), name: input.workspaceName });
  em.create(BotSettings, { workspaceId: workspace.id, defaultReply: NEW_WORKSPACE_DEFAULT_REPLY });
  const user = await addUser(em, { ...input, workspaceId: workspace.id, role: 'OWNER' });
  return { user, workspace: { id: workspace.id, name: workspace.name } };
}

/** A new user with a role in an existing workspace; run inside a transaction. Emails arrive lower-cased. */
export async function addUser(
  em: EntityManager,
  input: { email: string; name: string; passwordHash: string; workspaceId: string; role: Role },
): Promise<UserView> {
  if (await em.findOne(User, { email: input.email }, { fields: ['id'] })) throw new EmailTakenError();
  const user = em.create(User, { id: randomUUID(), email: input.email, name: input.name, passwordHash: input.passwordHash });
  // The memberships' relations to users and workspaces let one flush order the inserts.
  em.create(Membership, { id: randomUUID(), workspaceId: input.workspaceId, userId: user.id, role: input.role });
  await em.flush();
  return { id: user.id, email: user.email, name: user.name };
}
