/** HS256 JWTs made by hand, so tests of token checks do not share the server's token code. */
import { createHmac } from 'node:crypto';
import { TEST_JWT_SECRET } from './services-env';

/** Signs `payload` as the test platform's secret (or `secret`) would, with no claim checked or added. */
export function signJwt(payload: object, secret: string = TEST_JWT_SECRET): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
