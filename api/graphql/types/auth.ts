import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { requireAuth, type GraphQLContext } from '../context';
import { badInput, forbidden, notFound, unauthenticated, validate } from '../errors';
import { hashPassword, verifyPassword } from '../../auth/passwords';
import { issueAccessToken, issueRefreshToken, rotateRefreshToken, TokenError } from '../../auth/tokens';
import { ROLES, type Role } from '../../../schema/entities/membership.entity';
import { NEW_WORKSPACE_DEFAULT_REPLY } from '../../../schema/bot-settings-defaults';

interface UserView {
  id: string;
  email: string;
  name: string;
}
interface WorkspaceView {
  id: string;
  name: string;
}
interface AuthPayloadView {
  accessToken: string;
  refreshToken: string;
  user: UserView;
  workspace: WorkspaceView;
}

export const RoleEnum = builder.enumType('Role', { values: ROLES });

const UserType = builder.objectRef<UserView>('User').implement({
  fields: (t) => ({ id: t.exposeID('id'), email: t.exposeString('email'), name: t.exposeString('name') }),
});
const WorkspaceType = builder.objectRef<WorkspaceView>('Workspace').implement({
  fields: (t) => ({ id: t.exposeID('id'), name: t.exposeString('name') }),
});
const AuthPayloadType = builder.objectRef<AuthPayloadView>('AuthPayload').implement({
  description: 'A short-lived access token (15 minutes) and a rotating refresh token.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken'),
    refreshToken: t.exposeString('refreshToken'),
    user: t.field({ type: UserType, resolve: (p) => p.user }),
    workspace: t.field({ type: WorkspaceType, resolve: (p) => p.workspace }),
  }),
});
const ViewerType = builder.objectRef<{ user: UserView; workspace: WorkspaceView; role: Role; temporalUiUrl: string }>('Viewer').implement({
  fields: (t) => ({
    user: t.field({ type: UserType, resolve: (v) => v.user }),
    workspace: t.field({ type: WorkspaceType, resolve: (v) => v.workspace }),
    role: t.field({ type: RoleEnum, resolve: (v) => v.role }),
    temporalUiUrl: t.exposeString('temporalUiUrl'),
  }),
});

const SignUpInput = builder.inputType('SignUpInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
    name: t.string({ required: true }),
    workspaceName: t.string({ required: true }),
  }),
});
const SignInInput = builder.inputType('SignInInput', {
  fields: (t) => ({ email: t.string({ required: true }), password: t.string({ required: true }) }),
});

const email = z.string().trim().toLowerCase().pipe(z.email('is not an email address')).pipe(z.string().max(254));
const signUpSchema = z.object({
  email,
  password: z.string().min(8, 'must be at least 8 characters').max(200, 'is longer than 200 characters'),
  name: z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters'),
  workspaceName: z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters'),
});
const signInSchema = z.object({ email, password: z.string().min(1, 'is required').max(200) });

builder.mutationField('signUp', (t) =>
  t.field({
    type: AuthPayloadType,
    description: 'Creates an account and its workspace; the new user owns it.',
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const input = validate(signUpSchema, args.input);
      const passwordHash = await hashPassword(input.password);
      return ctx.orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        const [taken] = await em.execute('select 1 from users where lower(email) = ?', [input.email]);
        if (taken) throw badInput('email: an account with this email already exists', 'email');
        const created = await createAccount(em, { ...input, passwordHash });
        return issueTokens(ctx, em, created.user, created.workspace, 'OWNER');
      });
    },
  }),
);

builder.mutationField('signIn', (t) =>
  t.field({
    type: AuthPayloadType,
    args: { input: t.arg({ type: SignInInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const input = validate(signInSchema, args.input);
      const em = ctx.orm.em.fork();
      const [user] = await em.execute<{ id: string; email: string; name: string; password_hash: string }[]>(
        'select id, email, name, password_hash from users where lower(email) = ?',
        [input.email],
      );
      if (!(await verifyPassword(user?.password_hash ?? null, input.password))) throw unauthenticated('wrong email or password');
      const [membership] = await em.execute<{ workspace_id: string; workspace_name: string; role: Role }[]>(
        `select m.workspace_id, w.name as workspace_name, m.role from memberships m join workspaces w on w.id = m.workspace_id
         where m.user_id = ? order by m.created_at limit 1`,
        [user.id],
      );
      if (!membership) throw unauthenticated('this account belongs to no workspace');
      return issueTokens(ctx, em, { id: user.id, email: user.email, name: user.name }, { id: membership.workspace_id, name: membership.workspace_name }, membership.role);
    },
  }),
);

builder.mutationField('refreshToken', (t) =>
  t.field({
    type: AuthPayloadType,
    description: 'Trades a refresh token for a new pair. Each refresh token works once; reusing one signs out its whole chain.',
    args: { refreshToken: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      if (!args.refreshToken || args.refreshToken.length > 200) throw badInput('refreshToken: is required', 'refreshToken');
      // The reuse check revokes the family even though the call fails, so it commits on its own.
      const rotated = await ctx.orm.em
        .fork()
        .transactional((tx) => rotateRefreshToken(tx as EntityManager, ctx.config, args.refreshToken).catch((err) => (err instanceof TokenError ? err : Promise.reject(err))));
      if (rotated instanceof TokenError) throw unauthenticated(rotated.message);
      const em = ctx.orm.em.fork();
      const [row] = await em.execute<{ email: string; name: string; workspace_name: string; role: Role | null }[]>(
        `select u.email, u.name, w.name as workspace_name, m.role from users u
         join workspaces w on w.id = ?
         left join memberships m on m.user_id = u.id and m.workspace_id = w.id
         where u.id = ?`,
        [rotated.workspaceId, rotated.userId],
      );
      if (!row?.role) throw unauthenticated('you are no longer a member of this workspace');
      const accessToken = await issueAccessToken(ctx.config, { userId: rotated.userId, workspaceId: rotated.workspaceId, role: row.role });
      return {
        accessToken,
        refreshToken: rotated.token,
        user: { id: rotated.userId, email: row.email, name: row.name },
        workspace: { id: rotated.workspaceId, name: row.workspace_name },
      };
    },
  }),
);

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerType,
    description: 'Who is signed in, where, and as what.',
    resolve: async (_root, _args, ctx) => {
      const auth = requireAuth(ctx);
      const [row] = await ctx.orm.em.fork().execute<{ email: string; name: string; workspace_name: string }[]>(
        'select u.email, u.name, w.name as workspace_name from users u, workspaces w where u.id = ? and w.id = ?',
        [auth.userId, auth.workspaceId],
      );
      if (!row) throw notFound('user');
      return {
        user: { id: auth.userId, email: row.email, name: row.name },
        workspace: { id: auth.workspaceId, name: row.workspace_name },
        role: auth.role,
        temporalUiUrl: ctx.config.temporalUiUrl,
      };
    },
  }),
);

/** A user, a workspace they own, and its bot settings; shared by sign-up and the demo seed. */
export async function createAccount(
  em: EntityManager,
  input: { email: string; name: string; passwordHash: string; workspaceName: string },
): Promise<{ user: UserView; workspace: WorkspaceView }> {
  const user = { id: randomUUID(), email: input.email, name: input.name };
  const workspace = { id: randomUUID(), name: input.workspaceName };
  await em.execute('insert into workspaces (id, name) values (?, ?)', [workspace.id, workspace.name]);
  await em.execute('insert into users (id, email, name, password_hash) values (?, ?, ?, ?)', [user.id, user.email, user.name, input.passwordHash]);
  await em.execute(`insert into memberships (id, workspace_id, user_id, role) values (?, ?, ?, 'OWNER')`, [randomUUID(), workspace.id, user.id]);
  await em.execute('insert into bot_settings (workspace_id, default_reply) values (?, ?)', [workspace.id, NEW_WORKSPACE_DEFAULT_REPLY]);
  return { user, workspace };
}

async function issueTokens(ctx: GraphQLContext, em: EntityManager, user: UserView, workspace: WorkspaceView, role: Role): Promise<AuthPayloadView> {
  const accessToken = await issueAccessToken(ctx.config, { userId: user.id, workspaceId: workspace.id, role });
  const { token } = await issueRefreshToken(em, ctx.config, { userId: user.id, workspaceId: workspace.id });
  return { accessToken, refreshToken: token, user, workspace };
}

const AddMemberInput = builder.inputType('AddMemberInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    name: t.string({ required: true }),
    password: t.string({ required: true, description: 'The first password; the member signs in with it.' }),
    role: t.field({ type: RoleEnum, required: true }),
  }),
});

const addMemberSchema = signUpSchema.omit({ workspaceName: true }).extend({ role: z.enum(ROLES) });

const MemberType = builder.objectRef<{ user: UserView; role: Role }>('Member').implement({
  fields: (t) => ({ user: t.field({ type: UserType, resolve: (m) => m.user }), role: t.field({ type: RoleEnum, resolve: (m) => m.role }) }),
});

builder.mutationField('addMember', (t) =>
  t.field({
    type: MemberType,
    description: 'Adds a teammate to the workspace. Owners add any role; admins add agents and viewers.',
    args: { input: t.arg({ type: AddMemberInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const auth = requireAuth(ctx, ['OWNER', 'ADMIN']);
      const input = validate(addMemberSchema, args.input);
      if (auth.role === 'ADMIN' && (input.role === 'OWNER' || input.role === 'ADMIN')) throw forbidden('only an owner can add owners and admins');
      const passwordHash = await hashPassword(input.password);
      return ctx.orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        const [taken] = await em.execute('select 1 from users where lower(email) = ?', [input.email]);
        if (taken) throw badInput('email: an account with this email already exists', 'email');
        const user = { id: randomUUID(), email: input.email, name: input.name };
        await em.execute('insert into users (id, email, name, password_hash) values (?, ?, ?, ?)', [user.id, user.email, user.name, passwordHash]);
        await em.execute('insert into memberships (id, workspace_id, user_id, role) values (?, ?, ?, ?)', [randomUUID(), auth.workspaceId, user.id, input.role]);
        return { user, role: input.role };
      });
    },
  }),
);

builder.queryField('members', (t) =>
  t.field({
    type: [MemberType],
    resolve: async (_root, _args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      const rows = await ctx.orm.em.fork().execute<{ id: string; email: string; name: string; role: Role }[]>(
        'select u.id, u.email, u.name, m.role from memberships m join users u on u.id = m.user_id where m.workspace_id = ? order by m.created_at',
        [workspaceId],
      );
      return rows.map((r) => ({ user: { id: r.id, email: r.email, name: r.name }, role: r.role }));
    },
  }),
);
