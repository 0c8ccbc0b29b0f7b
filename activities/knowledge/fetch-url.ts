/**
 * Fetches a document URL for ingestion: http(s) only, one deadline for the whole fetch, a size
 * cap checked while reading, and redirects followed by hand so each hop's host passes the SSRF
 * guard (address-guard.ts) — at the check and again at connect time, so a DNS answer that
 * changes between the two (rebinding) still cannot reach a private address.
 */
import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { assertPublicUrl, isPrivateAddress, UnsafeUrlError } from './address-guard';

/** The most redirects a document URL may take. */
export const MAX_REDIRECTS = 5;

export interface FetchUrlOptions {
  maxBytes: number;
  timeoutMs: number;
  allowPrivate: boolean;
}

export interface FetchedPage {
  bytes: Buffer;
  /** The response's Content-Type, lower-cased, without parameters. */
  contentType: string | null;
  /** Where the content came from after redirects. */
  finalUrl: string;
}

/** Why a URL could not be fetched, in words for the owner who gave it. */
export class FetchUrlError extends Error {}

/** GETs the URL (following up to MAX_REDIRECTS checked redirects) and returns its body. */
export async function fetchUrl(url: string, options: FetchUrlOptions): Promise<FetchedPage> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  let current = parseUrl(url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    await assertPublicUrl(current, options.allowPrivate);
    const response = await get(current, options, deadline);
    if (response.redirect) {
      current = parseUrl(new URL(response.redirect, current).toString());
      continue;
    }
    return { bytes: response.bytes!, contentType: response.contentType, finalUrl: current.toString() };
  }
  throw new FetchUrlError(`the URL redirected more than ${MAX_REDIRECTS} times`);
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new FetchUrlError(`"${url}" is not a URL`);
  }
}

interface Response {
  redirect?: string;
  bytes?: Buffer;
  contentType: string | null;
}

function get(url: URL, options: FetchUrlOptions, signal: AbortSignal): Promise<Response> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => reject(describe(err, url, options));
    const request = client.get(url, { signal, lookup: guardedLookup(options.allowPrivate), headers: { 'user-agent': 'Parley document fetcher', accept: 'text/html,text/plain,*/*' } }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        return resolve({ redirect: location, contentType: null });
      }
      if (status < 200 || status >= 300) {
        res.resume();
        return reject(new FetchUrlError(`the page answered HTTP ${status}`));
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        res.destroy();
        return reject(tooLarge(options.maxBytes));
      }
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (part: Buffer) => {
        size += part.length;
        if (size > options.maxBytes) {
          res.destroy();
          reject(tooLarge(options.maxBytes));
          return;
        }
        parts.push(part);
      });
      res.on('end', () => resolve({ bytes: Buffer.concat(parts), contentType: res.headers['content-type']?.split(';')[0].trim().toLowerCase() ?? null }));
      res.on('error', fail);
    });
    request.on('error', fail);
  });
}

/** DNS at connect time, refusing private addresses: what the socket really dials is checked. */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dns.lookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const refused = !allowPrivate && addresses.find((a) => isPrivateAddress(a.address));
      if (refused) return callback(new UnsafeUrlError(`the host ${hostname} resolves to ${refused.address}, a private or local address that documents may not be fetched from`), '', 0);
      if (lookupOptions.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function tooLarge(maxBytes: number): FetchUrlError {
  return new FetchUrlError(`the page is larger than ${Math.round(maxBytes / (1024 * 1024))} MB`);
}

function describe(err: unknown, url: URL, options: FetchUrlOptions): Error {
  if (err instanceof FetchUrlError || err instanceof UnsafeUrlError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return new FetchUrlError(`the page did not answer within ${options.timeoutMs / 1000} s`);
  if (e.cause instanceof UnsafeUrlError) return e.cause;
  return new FetchUrlError(`${url.host} could not be reached (${e.code ?? e.message})`);
}
