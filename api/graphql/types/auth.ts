import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { requireAuth, type GraphQLContext } from '../context';
import { badInput, forbidden, notFound, rateLimited, unauthenticated, validate } from '../errors';
import { hashPassword, verifyPassword } from '../../auth/passwords';
import { passwordWeakness } from '../../auth/password-strength';
import { addUser, createAccount, EmailTakenError, type UserView, type WorkspaceView } from '../../auth/accounts';
import { RateLimitedError } from '../../auth/rate-limits';
import { issueAccessToken } from '../../auth/tokens';
import { checkRefreshToken, issueRefreshToken, revokeRefreshFamily, rotateRefreshToken } from '../../auth/refresh-tokens';
import { CODEC_ROLES } from '../../routes/codec';
import { ROLES, Membership, type Role } from '../../../schema/entities/membership.entity';
import { User } from '../../../schema/entities/user.entity';
import { Workspace } from '../../../schema/entities/workspace.entity';

interface AuthPayloadView {
  accessToken: string;
  refreshToken: string;
  user: UserView;
  workspace: WorkspaceView;
}

export const RoleEnum = builder.enumType('Role', { values: ROLES });

export const UserType = builder.objectRef<UserView>('User').implement({
  fields: (t) => ({ id: t.exposeID('id'), email: t.exposeString('email'), name: t.exposeString('name') }),
});
const WorkspaceType = builder.objectRef<WorkspaceView>('Workspace').implement({
  fields: (t) => ({ id: t.exposeID('id'), name: t.exposeString('name') }),
});
const AuthPayloadType = builder.objectRef<AuthPayloadView>('AuthPayload').implement({
  description:
    'A short-lived access token (15 minutes) and a rotating refresh token. The refresh token is also set as an HttpOnly cookie, which browsers should rely on instead of storing it.',
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
const newPassword = z.string().min(8, 'must be at least 8 characters').max(200, 'is longer than 200 characters');
const signUpSchema = z.object({
  email,
  password: newPassword,
  name: z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters'),
  workspaceName: z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters'),
});
const signInSchema = z.object({ email, password: z.string().min(1, 'is required').max(200) });
const refreshSchema = z.object({ refreshToken: z.string().min(1, 'is required').max(200, 'is not a refresh token') });

builder.mutationField('signUp', (t) =>
  t.field({
    type: AuthPayloadType,
    description: 'Creates an account and its workspace; the new user owns it.',
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    resolve: (_root, args, ctx) =>
      limited(async () => {
        await ctx.limits.authCall(ctx.http.ip);
        await ctx.limits.signUp(ctx.http.ip);
        const input = validate(signUpSchema, args.input);
        assertStrongPassword(input.password, [input.email, input.name, input.workspaceName]);
        const passwordHash = await hashPassword(input.password);
        return ctx.orm.em.fork().transactional(async (tx) => {
          const em = tx as EntityManager;
          const created = await createAccount(em, { ...input, passwordHash }).catch(emailTaken);
          return issueTokens(ctx, em, created.user, created.workspace, 'OWNER');
        });
      }),
  }),
);

builder.mutationField('signIn', (t) =>
  t.field({
    type: AuthPayloadType,
    args: { input: t.arg({ type: SignInInput, required: true }) },
    resolve: (_root, args, ctx) =>
      limited(async () => {
        await ctx.limits.authCall(ctx.http.ip);
        const input = validate(signInSchema, args.input);
        // A locked account refuses the right password too, so guessing on cannot confirm one.
        await ctx.limits.assertSignInAllowed(input.email);
        const em = ctx.orm.em.fork();
        const user = await em.findOne(User, { email: input.email }, { fields: ['id', 'email', 'name', 'passwordHash'] });
        if (!(await verifyPassword(user?.passwordHash ?? null, input.password))) {
          await ctx.limits.signInFailed(input.email);
          throw unauthenticated('wrong email or password');
        }
        await ctx.limits.signInSucceeded(input.email);
        const membership = await em.findOne(Membership, { userId: user!.id }, { orderBy: { createdAt: 'asc' } });
        const workspace = membership && (await em.findOne(Workspace, { id: membership.workspaceId }));
        if (!membership || !workspace) throw unauthenticated('this account belongs to no workspace');
        return em.transactional((tx) =>
          issueTokens(ctx, tx as EntityManager, { id: user!.id, email: user!.email, name: user!.name }, { id: workspace.id, name: workspace.name }, membership.role),
        );
      }),
  }),
);

builder.mutationField('refreshToken', (t) =>
  t.field({
    type: AuthPayloadType,
    description:
      'Trades a refresh token (the argument, or else the HttpOnly cookie sign-in set) for a new pair. Each refresh token works once; reusing one signs out its whole chain.',
    args: { refreshToken: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) =>
      limited(async () => {
        await ctx.limits.authCall(ctx.http.ip);
        const { refreshToken } = validate(refreshSchema, { refreshToken: args.refreshToken ?? ctx.http.refreshCookie ?? '' });
        const clock = ctx.clock;
        const outcome = await ctx.orm.em.fork().transactional(async (tx) => {
          const em = tx as EntityManager;
          const check = await checkRefreshToken(em, refreshToken, clock);
          if (!check.ok) {
            // Reuse means the token leaked: the family's revocation commits even though the call is refused.
            if (check.reused) await revokeRefreshFamily(em, check.familyId!, clock);
            return { refused: check.reason };
          }
          const { userId, workspaceId } = check.row;
          const membership = await em.findOne(Membership, { userId, workspaceId });
          if (!membership) return { refused: 'you are no longer a member of this workspace' };
          await ctx.limits.refresh(userId);
          const [user, workspace] = await Promise.all([em.findOneOrFail(User, { id: userId }), em.findOneOrFail(Workspace, { id: workspaceId })]);
          const token = rotateRefreshToken(em, ctx.config, check.row, clock);
          return {
            role: membership.role,
            payload: {
              accessToken: await issueAccessToken(ctx.config, { userId, workspaceId, role: membership.role }, clock),
              refreshToken: token,
              user: { id: user.id, email: user.email, name: user.name },
              workspace: { id: workspace.id, name: workspace.name },
            },
          };
        });
        if ('refused' in outcome) {
          ctx.http.clearRefreshCookie();
          ctx.http.setCodecCookie(null);
          throw unauthenticated(outcome.refused);
        }
        ctx.http.setRefreshCookie(outcome.payload.refreshToken);
        ctx.http.setCodecCookie(codecCookieToken(outcome.role, outcome.payload.accessToken));
        return outcome.payload;
      }),
  }),
);

builder.mutationField('signOut', (t) =>
  t.boolean({
    description: 'Signs out the sign-in chain of the given refresh token (or the cookie) and clears the cookie. True when a chain was signed out.',
    args: { refreshToken: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => {
      const token = args.refreshToken ?? ctx.http.refreshCookie;
      ctx.http.clearRefreshCookie();
      ctx.http.setCodecCookie(null);
      if (!token || token.length > 200) return false;
      return ctx.orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        const check = await checkRefreshToken(em, token, ctx.clock);
        const familyId = check.ok ? check.row.familyId : check.familyId;
        if (familyId) await revokeRefreshFamily(em, familyId, ctx.clock);
        return familyId !== undefined;
      });
    },
  }),
);

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerType,
    description: 'Who is signed in, where, and as what.',
    resolve: async (_root, _args, ctx) => {
      const auth = requireAuth(ctx);
      const em = ctx.orm.em.fork();
      const [user, workspace] = await Promise.all([em.findOne(User, { id: auth.userId }), em.findOne(Workspace, { id: auth.workspaceId })]);
      if (!user || !workspace) throw notFound('user');
      return {
        user: { id: user.id, email: user.email, name: user.name },
        workspace: { id: workspace.id, name: workspace.name },
        role: auth.role,
        temporalUiUrl: ctx.config.temporalUiUrl,
      };
    },
  }),
);

async function issueTokens(ctx: GraphQLContext, em: EntityManager, user: UserView, workspace: WorkspaceView, role: Role): Promise<AuthPayloadView> {
  const accessToken = await issueAccessToken(ctx.config, { userId: user.id, workspaceId: workspace.id, role }, ctx.clock);
  const { token } = issueRefreshToken(em, ctx.config, { userId: user.id, workspaceId: workspace.id }, undefined, ctx.clock);
  await em.flush();
  ctx.http.setRefreshCookie(token);
  ctx.http.setCodecCookie(codecCookieToken(role, accessToken));
  return { accessToken, refreshToken: token, user, workspace };
}

/** The access token the codec cookie carries: an OWNER's or ADMIN's; anyone else's sign-in clears it. */
function codecCookieToken(role: Role, accessToken: string): string | null {
  return CODEC_ROLES.includes(role) ? accessToken : null;
}

/** Runs an auth call; a rate limit's refusal becomes RATE_LIMITED with its retry-after. */
async function limited<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof RateLimitedError) throw rateLimited(err.message, err.retryAfterSeconds);
    throw err;
  }
}

function assertStrongPassword(password: string, userInputs: string[]): void {
  const weakness = passwordWeakness(password, userInputs);
  if (weakness) throw badInput(`password: ${weakness}`, 'password');
}

function emailTaken(err: unknown): never {
  if (err instanceof EmailTakenError) throw badInput(`email: ${err.message}`, 'email');
  throw err;
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
      assertStrongPassword(input.password, [input.email, input.name]);
      const passwordHash = await hashPassword(input.password);
      const user = await ctx.orm.em
        .fork()
        .transactional((tx) => addUser(tx as EntityManager, { ...input, passwordHash, workspaceId: auth.workspaceId }).catch(emailTaken));
      return { user, role: input.role };
    },
  }),
);

builder.queryField('members', (t) =>
  t.field({
    type: [MemberType],
    resolve: async (_root, _args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      const em = ctx.orm.em.fork();
      const memberships = await em.find(Membership, { workspaceId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      const users = new Map((await em.find(User, { id: { $in: memberships.map((m) => m.userId) } })).map((u) => [u.id, u]));
      return memberships.flatMap((m) => {
        const user = users.get(m.userId);
        return user ? [{ user: { id: user.id, email: user.email, name: user.name }, role: m.role }] : [];
      });
    },
  }),
);
