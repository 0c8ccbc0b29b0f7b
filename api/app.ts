/**
 * buildApp: the api role's Fastify server — GraphQL (queries, mutations, SSE subscriptions) at
 * /graphql, /health, and the built dashboard at /. Tests build it the same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { createYoga } from 'graphql-yoga';
import { schema } from './graphql/schema';
import type { ApiDeps, GraphQLContext } from './graphql/context';
import { cachedAccessTokenVerifier, TokenError, type AccessClaims } from './auth/tokens';
import { healthRoutes } from './routes/health';
import { codecRoutes } from './routes/codec';

export interface AppOptions {
  /** The built dashboard (web/dist); served at / when present. */
  webDist?: string;
  logger?: boolean | object;
}

export async function buildApp(deps: ApiDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    // Pino's request logs carry method, url and status only: never headers or bodies (tokens, passwords).
  });

  const verify = cachedAccessTokenVerifier(deps.config);
  const yoga = createYoga<{ req: FastifyRequest; reply: FastifyReply }, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    logging: {
      debug: () => undefined,
      info: () => undefined,
      warn: (...args) => app.log.warn(args.map(String).join(' ')),
      error: (...args) => app.log.error(args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ')),
    },
    maskedErrors: true,
    graphiql: { title: 'Parley GraphQL' },
    context: async ({ request }) => ({ ...deps, auth: await authenticate(verify, request.headers.get('authorization')) }),
  });

  app.route({
    url: yoga.graphqlEndpoint,
    method: ['GET', 'POST', 'OPTIONS'],
    handler: (req, reply) => yoga.handleNodeRequestAndResponse(req, reply, { req, reply }),
  });
  // Yoga reads the raw body itself.
  app.addContentTypeParser('multipart/form-data', {}, (_req, _payload, done) => done(null));

  await healthRoutes(app, deps);
  await codecRoutes(app, deps);

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

async function authenticate(verify: (token: string) => Promise<AccessClaims>, header: string | null): Promise<GraphQLContext['auth']> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return { error: 'the Authorization header must be "Bearer <accessToken>"' };
  try {
    return await verify(match[1]);
  } catch (err) {
    return { error: err instanceof TokenError ? err.message : 'invalid access token' };
  }
}
