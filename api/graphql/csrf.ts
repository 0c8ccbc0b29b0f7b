/**
 * CSRF prevention (the rule of Yoga's plugin-csrf-prevention, which is not among our
 * dependencies): a request a browser could send cross-site without a CORS preflight (a GET, or a
 * POST with a form or text content type) must carry the CSRF header, which only a preflighted
 * request can. JSON POSTs are preflighted already, so API clients that send JSON need nothing extra.
 */
import { createGraphQLError, type Plugin } from 'graphql-yoga';

const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Yoga plugin: refuses, with 403, a non-preflighted request without one of `requestHeaders`. */
export function csrfPreventionPlugin(requestHeaders: string[]): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method === 'OPTIONS' || requestHeaders.some((h) => request.headers.has(h))) return;
      const contentType = request.headers.get('content-type')?.split(';')[0].trim().toLowerCase();
      const preflighted = request.method !== 'GET' && contentType !== undefined && !SIMPLE_CONTENT_TYPES.includes(contentType);
      if (!preflighted) {
        throw createGraphQLError(`Required CSRF header not present: ${requestHeaders.join(', ')}`, {
          extensions: { code: 'FORBIDDEN', http: { status: 403 } },
        });
      }
    },
  };
}
