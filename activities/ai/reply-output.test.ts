import { parseReplyOutput } from './reply-output';

const good = { reply: 'Hello', confidence: 0.8, escalate: false, language: 'de', sentiment: 'positive' };

describe('parseReplyOutput', () => {
  test('an object or its JSON text; sentiment in any case', () => {
    expect(parseReplyOutput(good)).toEqual({ ...good, sentiment: 'POSITIVE' });
    expect(parseReplyOutput(JSON.stringify(good))?.reply).toBe('Hello');
  });

  test('malformed: missing fields, confidence out of range, empty reply, unknown sentiment, not JSON', () => {
    expect(parseReplyOutput({ ...good, confidence: 1.2 })).toBeNull();
    expect(parseReplyOutput({ ...good, reply: '  ' })).toBeNull();
    expect(parseReplyOutput({ ...good, sentiment: 'ecstatic' })).toBeNull();
    expect(parseReplyOutput({ reply: 'x' })).toBeNull();
    expect(parseReplyOutput('{"reply": ')).toBeNull();
  });
});
