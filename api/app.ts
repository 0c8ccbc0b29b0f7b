/**
 * buildApp: the api role's Fastify server — GraphQL (queries, mutations, SSE subscriptions) at
 * /graphql, /health, a message's media at /media/:messageId, and the built dashboard at /. Tests build it the same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { createYoga, type Plugin } from 'graphql-yoga';
import { createFetch } from '@whatwg-node/fetch';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import { schema } from './graphql/schema';
import type { ApiDeps, GraphQLContext, HttpExchange } from './graphql/context';
import { queryLimitPlugins } from './graphql/limits';
import { rejectNulBytesPlugin } from './graphql/nul-bytes';
import { csrfPreventionPlugin } from './graphql/csrf';
import { bearerToken, cachedAccessTokenVerifier, TokenError, type VerifiedClaims } from './auth/tokens';
import { createAuthRateLimits } from './auth/rate-limits';
import { CSRF_HEADER, registerSecurity } from './http/security';
import { healthRoutes } from './routes/health';
import { CODEC_COOKIE, CODEC_PATH, codecRoutes } from './routes/codec';
import { mediaRoutes } from './routes/media';
import { contactsExportRoutes } from './routes/contacts-export';
import { whatsappWebhookRoutes } from './routes/whatsapp-webhook';

export interface AppOptions {
  /** The built dashboard (web/dist); served at / when present. */
  webDist?: string;
  logger?: boolean | object;
}

const GRAPHQL_PATH = '/graphql';
/** The refresh token's cookie: HttpOnly, SameSite=Strict, sent only to the GraphQL endpoint. */
const REFRESH_COOKIE = 'parley_refresh';

export async function buildApp(deps: ApiDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    // Pino's request logs carry method, url and status only: never headers or bodies (tokens, passwords).
  });
  await registerSecurity(app, config);

  const verify = cachedAccessTokenVerifier(config, deps.clock);
  const limits = createAuthRateLimits(deps.orm, config.authLimits);
  const introspection = config.graphqlIntrospection;
  const yoga = createYoga<{ req: FastifyRequest; reply: FastifyReply }, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    logging: {
      debug: () => undefined,
      info: () => undefined,
      warn: (...args) => app.log.warn(args.map(String).join(' ')),
      error: (...args) => app.log.error(args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ')),
    },
    maskedErrors: true,
    // A multipart upload stops at the cap while it streams in (413), never buffered whole first;
    // one file per request (addDocument's).
    fetchAPI: createFetch({ formDataLimits: { fileSize: config.knowledge.maxUploadBytes, files: 1, fieldSize: 2 * 1024 * 1024 } }),
    // CORS is @fastify/cors's (registerSecurity): Yoga's own would reflect any origin.
    cors: false,
    graphiql: introspection ? { title: 'Parley GraphQL', headers: JSON.stringify({ [CSRF_HEADER]: '1' }) } : false,
    landingPage: false,
    plugins: [
      csrfPreventionPlugin([CSRF_HEADER]),
      ...queryLimitPlugins({ hideSuggestions: !introspection }),
      rejectNulBytesPlugin(),
      ...(introspection ? [] : [noIntrospectionPlugin()]),
    ],
    context: async ({ request, req, reply }) => ({
      ...deps,
      auth: await authenticate(verify, request.headers.get('authorization')),
      http: httpExchange(req, reply, config.publicUrl.startsWith('https:'), config),
      limits,
    }),
  });

  app.route({
    url: yoga.graphqlEndpoint,
    method: ['GET', 'POST'],
    handler: async (req, reply) => {
      const response = await yoga.handleNodeRequestAndResponse(req, reply, { req, reply });
      // GraphiQL (development only) loads its scripts from a CDN and inline; the dashboard's CSP would block it.
      if (response.headers.get('content-type')?.startsWith('text/html')) reply.removeHeader('content-security-policy');
      return response;
    },
  });
  // Yoga reads the raw body itself.
  app.addContentTypeParser('multipart/form-data', {}, (_req, _payload, done) => done(null));

  await healthRoutes(app, deps);
  await codecRoutes(app, deps, verify);
  await mediaRoutes(app, deps, verify);
  await contactsExportRoutes(app, deps);
  await whatsappWebhookRoutes(app, deps);

  if (options.webDist && fs.existsSync(path.join(options.webDist, 'index.html'))) {
    await app.register(fastifyStatic, { root: path.resolve(options.webDist), wildcard: false });
    // The dashboard routes in the browser: every other GET that wants HTML gets the app.
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && request.headers.accept?.includes('text/html')) return reply.sendFile('index.html');
      return reply.code(404).send({ error: 'not found' });
    });
  }

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    reply.code(status).send({ error: status >= 500 ? 'internal error' : error.message });
  });

  return app;
}

async function authenticate(verify: (token: string) => Promise<VerifiedClaims>, header: string | null): Promise<GraphQLContext['auth']> {
  if (!header) return null;
  const token = bearerToken(header);
  if (!token) return { error: 'the Authorization header must be "Bearer <accessToken>"' };
  try {
    return await verify(token);
  } catch (err) {
    return { error: err instanceof TokenError ? err.message : 'invalid access token' };
  }
}

function httpExchange(req: FastifyRequest, reply: FastifyReply, secure: boolean, ttl: { refreshTokenTtlDays: number; accessTokenTtlSeconds: number }): HttpExchange {
  const cookie = { httpOnly: true, secure, sameSite: 'strict', path: GRAPHQL_PATH } as const;
  // The Web UI on another port of the same host is the same site: a Strict cookie still reaches /codec from it.
  const codecCookie = { ...cookie, path: CODEC_PATH } as const;
  return {
    ip: req.ip,
    refreshCookie: req.cookies[REFRESH_COOKIE],
    setRefreshCookie: (token) => void reply.setCookie(REFRESH_COOKIE, token, { ...cookie, maxAge: ttl.refreshTokenTtlDays * 24 * 3600 }),
    clearRefreshCookie: () => void reply.clearCookie(REFRESH_COOKIE, cookie),
    setCodecCookie: (accessToken) =>
      void (accessToken
        ? reply.setCookie(CODEC_COOKIE, accessToken, { ...codecCookie, maxAge: ttl.accessTokenTtlSeconds })
        : reply.clearCookie(CODEC_COOKIE, codecCookie)),
  };
}

/** Introspection off (production unless GRAPHQL_INTROSPECTION=true): `__schema` and `__type` fail validation. */
function noIntrospectionPlugin(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
