import { NotAcceptedError, PermanentChannelError, classifySendError } from './port';

describe('classifySendError', () => {
  it('a refusal for good is permanent', () => {
    expect(classifySendError(new PermanentChannelError('+9990 is not on WhatsApp'))).toBe('permanent');
  });

  it('a known "not accepted" is retried on any wire', () => {
    expect(classifySendError(new NotAcceptedError('429 Too Many Requests'))).toBe('not-accepted');
    expect(classifySendError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }))).toBe('not-accepted');
    // fetch: TypeError("fetch failed") with the socket's error as its cause.
    expect(classifySendError(new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND graph.facebook.com'), { code: 'ENOTFOUND' }) }))).toBe('not-accepted');
  });

  it('anything that may have gone out is ambiguous', () => {
    expect(classifySendError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('ambiguous');
    expect(classifySendError(new TypeError('fetch failed', { cause: Object.assign(new Error('read ETIMEDOUT'), { code: 'ETIMEDOUT' }) }))).toBe('ambiguous');
    expect(classifySendError(new Error('something else'))).toBe('ambiguous');
    expect(classifySendError('a string')).toBe('ambiguous');
  });
});
