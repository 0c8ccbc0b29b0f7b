/**
 * The HTTP guards in front of every route: the Host header must name this server (DNS
 * rebinding), CORS grants only the configured origins, and helmet's headers (CSP that the
 * built dashboard runs under, no framing, nosniff, a strict referrer, HSTS only behind TLS).
 */
import type { FastifyInstance } from 'fastify';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyCookie from '@fastify/cookie';
import type { Config } from '../../activities/config';

/** The request header the dashboard sends on every GraphQL call (Yoga's CSRF-prevention header). */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

const HSTS_MAX_AGE_SECONDS = 180 * 24 * 3600;

/** Registers the guards on the app; call before any route. */
export async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  const https = config.publicUrl.startsWith('https:');
  const allowedHosts = new Set(config.allowedHosts.map((h) => h.toLowerCase()));

  app.addHook('onRequest', async (request, reply) => {
    // Probes call /health by the pod's or container's own address.
    if (request.url === '/health') return;
    const host = (request.headers.host ?? '').toLowerCase();
    const hostname = host.replace(/:\d+$/, '');
    if (!allowedHosts.has(host) && !allowedHosts.has(hostname)) {
      return reply.code(421).send({ error: `this server does not answer for host "${hostname}"; add it to ALLOWED_HOSTS` });
    }
  });

  await app.register(fastifyCors, {
    origin: (origin, done) => done(null, origin !== undefined && config.corsOrigins.includes(origin)),
    credentials: true,
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'authorization', 'accept', CSRF_HEADER],
    exposedHeaders: ['retry-after'],
    maxAge: 600,
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Solid writes style attributes for a few dynamic widths; no inline script is allowed.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    hsts: https ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true } : false,
    // The dashboard opens the Temporal Web UI in a new tab; COEP would block nothing we serve but gains nothing either.
    crossOriginEmbedderPolicy: false,
  });

  await app.register(fastifyCookie);
}
