/**
 * The SSRF guard of document URLs: a host is reachable only when every address it resolves to is
 * public, so a URL can never make the worker call loopback, link-local, private or unique-local
 * services (a cloud's metadata endpoint, Postgres, Temporal). Off with ALLOW_PRIVATE_URLS=true.
 */
import dns from 'node:dns/promises';
import net from 'node:net';

const BLOCKED = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/** Why a URL is refused, in words for the owner who gave it. */
export class UnsafeUrlError extends Error {}

/** Whether an IP address (v4, v6, or v4-mapped v6) is one a document URL may not reach. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1], 'ipv4');
  return BLOCKED.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
}

/** Resolves the URL's host and throws UnsafeUrlError unless it is http(s) and every address is public (or private ones are allowed). */
export async function assertPublicUrl(url: URL, allowPrivate: boolean): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnsafeUrlError(`only http and https URLs can be fetched, not ${url.protocol}`);
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true, verbatim: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new UnsafeUrlError(`the host ${host} could not be resolved`);
  const refused = addresses.find(isPrivateAddress);
  if (refused) throw new UnsafeUrlError(`the host ${host} resolves to ${refused}, a private or local address that documents may not be fetched from`);
}
