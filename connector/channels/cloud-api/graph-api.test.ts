import { classifyGraphAnswer, GraphError } from './graph-api';
import { NotAcceptedError, PermanentChannelError } from '../port';

const answer = (status: number, code?: number, message = 'm') => classifyGraphAnswer(status, code === undefined ? {} : { error: { code, message } });

describe('classifyGraphAnswer', () => {
  it.each([190, 10, 200, 131005, 131031])('Graph error %i refuses the channel itself (a broadcast stops, FAILED)', (code) => {
    const err = answer(400, code);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as PermanentChannelError).channelRejected).toBe(true);
  });

  it('HTTP 401 refuses the channel, whatever its body', () => {
    expect((answer(401) as PermanentChannelError).channelRejected).toBe(true);
  });

  it.each([131026, 131047, 100, 132000])('Graph error %i refuses this message only', (code) => {
    const err = answer(400, code);
    expect(err).toBeInstanceOf(PermanentChannelError);
    expect((err as PermanentChannelError).channelRejected).toBe(false);
  });

  it('throttling is not accepted (retried), a 5xx is ambiguous: neither refuses the channel', () => {
    expect(answer(400, 130429)).toBeInstanceOf(NotAcceptedError);
    expect(answer(429)).toBeInstanceOf(NotAcceptedError);
    const unknown = answer(500);
    expect(unknown).not.toBeInstanceOf(PermanentChannelError);
    expect(unknown.message).toBe('Graph API answered HTTP 500: HTTP 500');
  });
});
