import type { Client } from '@temporalio/client';
import type { Orm } from '../../schema/orm';
import type { Config } from '../../activities/config';
import type { VerifiedClaims } from '../auth/tokens';
import type { Clock } from '../auth/clock';
import type { AuthRateLimits } from '../auth/rate-limits';
import type { Role } from '../../schema/entities/membership.entity';
import type { Live } from '../live';
import type { Ingress } from '../../connector/ingress.port';
import type { ReceiptSink } from '../../connector/channels/inbound-message';
import type { Knowledge } from '../../activities/knowledge';
import { forbidden, unauthenticated } from './errors';

export interface ApiDeps {
  config: Config;
  orm: Orm;
  temporal: Client;
  live: Live;
  /** Where simulated customer messages enter, like a connector's. */
  ingress: Ingress;
  /** Where delivery receipts from the wire go (the Cloud API's webhook statuses): connector/receipts.ts. */
  receipts: ReceiptSink;
  /** The knowledge services (askKnowledgeBase retrieves with them, as the bot does); absent: no passages. */
  knowledge?: Knowledge;
  /** "Now" for tokens; tests move it instead of sleeping. */
  clock?: Clock;
}

/** What a resolver may know and do about the HTTP exchange, without Fastify's types. */
export interface HttpExchange {
  /** The client's address (the proxy's X-Forwarded-For with TRUST_PROXY=true). */
  ip: string;
  /** The refresh token the browser holds in its HttpOnly cookie, if any. */
  refreshCookie: string | undefined;
  setRefreshCookie(token: string): void;
  clearRefreshCookie(): void;
  /** Hands the Temporal Web UI's codec requests this access token (an OWNER's or ADMIN's), or clears it with null. */
  setCodecCookie(accessToken: string | null): void;
}

/** Per request: the process's dependencies, the caller and the HTTP exchange. */
export interface GraphQLContext extends ApiDeps {
  /** The caller, or why there is none (an expired or invalid token). */
  auth: VerifiedClaims | { error: string } | null;
  http: HttpExchange;
  limits: AuthRateLimits;
}

/** The caller's claims; throws UNAUTHENTICATED without a valid token and FORBIDDEN for a role not listed. */
export function requireAuth(ctx: GraphQLContext, roles?: Role[]): VerifiedClaims {
  if (!ctx.auth) throw unauthenticated('missing access token: send Authorization: Bearer <accessToken>');
  if ('error' in ctx.auth) throw unauthenticated(ctx.auth.error);
  if (roles && !roles.includes(ctx.auth.role)) throw forbidden(`a ${ctx.auth.role} cannot do this`);
  return ctx.auth;
}

export const MANAGERS: Role[] = ['OWNER', 'ADMIN'];
export const AGENTS: Role[] = ['OWNER', 'ADMIN', 'AGENT'];
