/** The webhook node's call against a real local HTTP server: what is retried, what is final, the size cap and the SSRF guard. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { callWebhook, FLOW_WEBHOOK_MAX_BYTES } from './webhook-call';
import type { WebhookRequest } from '../../workflows/flows/flow-graph';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/echo') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, type: req.headers['content-type'], body }));
      if (req.url === '/text') return void res.writeHead(200).end('plain words');
      if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(FLOW_WEBHOOK_MAX_BYTES + 1));
      if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      res.writeHead(Number(req.url?.slice(1)) || 404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const request = (url: string, over: Partial<WebhookRequest> = {}): WebhookRequest => ({ method: 'GET', url, headers: {}, body: null, saveAs: null, responsePath: null, retries: 0, ...over });
const call = (r: WebhookRequest, allowPrivate = true) => callWebhook(r, { allowPrivate, flowRunId: 'run-1' });

it('posts the body (JSON typed as such) and parses a JSON answer; other answers are kept as text', async () => {
  expect(await call(request(`${base}/echo`, { method: 'POST', body: '{"a":1}' }))).toEqual({ status: 200, body: { method: 'POST', type: 'application/json', body: '{"a":1}' } });
  expect(await call(request(`${base}/text`))).toEqual({ status: 200, body: 'plain words' });
});

it('throws a 5xx or 429 to be retried, and makes another 4xx final', async () => {
  await expect(call(request(`${base}/503`))).rejects.not.toBeInstanceOf(ApplicationFailure);
  await expect(call(request(`${base}/429`))).rejects.toThrow('the webhook answered 429');
  const final = await call(request(`${base}/404`)).catch((err) => err);
  expect(final).toBeInstanceOf(ApplicationFailure);
  expect(final).toMatchObject({ nonRetryable: true, message: 'the webhook answered 404' });
});

it('refuses a response over the size cap and does not follow a redirect', async () => {
  await expect(call(request(`${base}/big`))).rejects.toMatchObject({ nonRetryable: true, message: `the webhook's response is larger than ${FLOW_WEBHOOK_MAX_BYTES / 1024} KB` });
  await expect(call(request(`${base}/redirect`))).rejects.toMatchObject({ nonRetryable: true, message: 'the webhook answered 302' });
});

it('refuses private and loopback addresses unless they are allowed, and what is not a URL', async () => {
  await expect(call(request(`${base}/echo`), false)).rejects.toMatchObject({ nonRetryable: true, message: expect.stringContaining('private or local address') });
  await expect(call(request('http://169.254.169.254/latest/meta-data'), false)).rejects.toMatchObject({ nonRetryable: true });
  await expect(call(request('file:///etc/passwd'))).rejects.toMatchObject({ nonRetryable: true, message: 'only http and https URLs can be fetched, not file:' });
  await expect(call(request('not a url'))).rejects.toMatchObject({ nonRetryable: true, message: 'the URL "not a url" is not valid' });
});
