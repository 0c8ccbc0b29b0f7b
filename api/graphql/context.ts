import type { Client } from '@temporalio/client';
import type { Orm } from '../../schema/orm';
import type { Config } from '../../activities/config';
import type { AccessClaims } from '../auth/tokens';
import type { Role } from '../../schema/entities/membership.entity';
import type { Live } from '../live';
import type { Ingress } from '../../connector/ingress.port';
import { forbidden, unauthenticated } from './errors';

export interface ApiDeps {
  config: Config;
  orm: Orm;
  temporal: Client;
  live: Live;
  /** Where simulated customer messages enter, like a connector's. */
  ingress: Ingress;
}

export interface GraphQLContext extends ApiDeps {
  /** The caller, or why there is none (an expired or invalid token). */
  auth: AccessClaims | { error: string } | null;
}

/** The caller's claims; throws UNAUTHENTICATED without a valid token and FORBIDDEN for a role not listed. */
export function requireAuth(ctx: GraphQLContext, roles?: Role[]): AccessClaims {
  if (!ctx.auth) throw unauthenticated('missing access token: send Authorization: Bearer <accessToken>');
  if ('error' in ctx.auth) throw unauthenticated(ctx.auth.error);
  if (roles && !roles.includes(ctx.auth.role)) throw forbidden(`a ${ctx.auth.role} cannot do this`);
  return ctx.auth;
}

export const MANAGERS: Role[] = ['OWNER', 'ADMIN'];
export const AGENTS: Role[] = ['OWNER', 'ADMIN', 'AGENT'];
