/**
 * The document URL fetch against a real HTTP server on loopback: refused by the SSRF guard unless
 * private addresses are allowed, and then bounded (redirect hops, size, time, scheme).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchUrl, MAX_REDIRECTS } from './fetch-url';
import { isPrivateAddress } from './address-guard';

let server: http.Server;
let base: string;
const OPEN = { maxBytes: 1024, timeoutMs: 2000, allowPrivate: true };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/page') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>Hi</h1>');
    if (url.pathname === '/hop') return res.writeHead(301, { location: `/hop?n=${Number(url.searchParams.get('n') ?? 0) + 1}` }).end();
    if (url.pathname === '/to-page') return res.writeHead(302, { location: '/page' }).end();
    if (url.pathname === '/big') return res.writeHead(200).end('x'.repeat(4096));
    if (url.pathname === '/big-chunked') {
      res.writeHead(200);
      res.write('x'.repeat(800));
      return setTimeout(() => res.end('x'.repeat(800)), 20);
    }
    if (url.pathname === '/slow') return setTimeout(() => res.writeHead(200).end('late'), 5000);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('fetchUrl', () => {
  it('refuses loopback (and a name that resolves to it) while private addresses are not allowed', async () => {
    await expect(fetchUrl(`${base}/page`, { ...OPEN, allowPrivate: false })).rejects.toThrow('the host 127.0.0.1 resolves to 127.0.0.1, a private or local address that documents may not be fetched from');
    const port = (server.address() as AddressInfo).port;
    await expect(fetchUrl(`http://localhost:${port}/page`, { ...OPEN, allowPrivate: false })).rejects.toThrow(/the host localhost resolves to (127\.0\.0\.1|::1), a private or local address/);
  });

  it('fetches the page with its content type, following a redirect', async () => {
    const page = await fetchUrl(`${base}/to-page`, OPEN);
    expect(page).toEqual({ bytes: Buffer.from('<h1>Hi</h1>'), contentType: 'text/html', finalUrl: `${base}/page` });
  });

  it(`stops after ${MAX_REDIRECTS} redirects`, async () => {
    await expect(fetchUrl(`${base}/hop`, OPEN)).rejects.toThrow(`the URL redirected more than ${MAX_REDIRECTS} times`);
  });

  it('refuses the cloud metadata address (link-local)', async () => {
    await expect(fetchUrl('http://169.254.169.254/latest/meta-data', { ...OPEN, allowPrivate: false })).rejects.toThrow('resolves to 169.254.169.254');
  });

  it('refuses a body over the cap, declared or streamed', async () => {
    await expect(fetchUrl(`${base}/big`, OPEN)).rejects.toThrow('the page is larger than');
    await expect(fetchUrl(`${base}/big-chunked`, OPEN)).rejects.toThrow('the page is larger than');
  });

  it('gives up on a page that does not answer in time', async () => {
    await expect(fetchUrl(`${base}/slow`, { ...OPEN, timeoutMs: 300 })).rejects.toThrow('the page did not answer within 0.3 s');
  });

  it('refuses schemes other than http(s), and says what an error status was', async () => {
    await expect(fetchUrl('file:///etc/passwd', OPEN)).rejects.toThrow('only http and https URLs can be fetched, not file:');
    await expect(fetchUrl(`${base}/missing`, OPEN)).rejects.toThrow('the page answered HTTP 404');
  });
});

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['fd12:3456::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['93.184.216.34', false],
    ['2606:4700::1111', false],
    ['::ffff:8.8.8.8', false],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});
