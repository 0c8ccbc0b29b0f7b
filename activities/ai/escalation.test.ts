import { escalationReason, sensitiveTopicIn } from './escalation';
import type { ReplyOutput } from './reply-output';

const sure: ReplyOutput = { reply: 'We open at 7.', confidence: 0.9, escalate: false, reason: null, language: 'en', sentiment: 'NEUTRAL' };
const base = { output: sure, confidenceThreshold: 0.6, sensitiveTopics: ['refund', 'complaint', 'legal action'], customerText: 'When do you open?' };

describe('escalationReason', () => {
  test('a confident answer on an ordinary question goes out', () => {
    expect(escalationReason(base)).toBeNull();
  });

  test('confidence under the threshold, exactly at it, and the model flag', () => {
    expect(escalationReason({ ...base, output: { ...sure, confidence: 0.59 } })).toBe('low confidence (0.59 < 0.6)');
    expect(escalationReason({ ...base, output: { ...sure, confidence: 0.6 } })).toBeNull();
    expect(escalationReason({ ...base, output: { ...sure, escalate: true, reason: 'angry customer' } })).toBe('the AI asked for a human: angry customer');
    expect(escalationReason({ ...base, output: { ...sure, escalate: true, reason: null } })).toBe('the AI asked for a human');
  });

  test('a malformed answer is low confidence', () => {
    expect(escalationReason({ ...base, output: null })).toBe('low confidence: the AI answer was malformed');
  });

  test('a sensitive topic wins even over a confident answer', () => {
    expect(escalationReason({ ...base, customerText: 'I want my REFUND now' })).toBe('sensitive topic: refund');
  });
});

describe('sensitiveTopicIn', () => {
  test('whole words and word starts, any case and accent; multi-word topics', () => {
    expect(sensitiveTopicIn('Two refunds please', ['refund'])).toBe('refund');
    expect(sensitiveTopicIn('a prerefund thing', ['refund'])).toBeNull();
    expect(sensitiveTopicIn('I will take LEGAL   action!', ['legal action'])).toBe('legal action');
    expect(sensitiveTopicIn('réclamation', ['reclamation'])).toBe('reclamation');
    expect(sensitiveTopicIn('all good', ['refund', ''])).toBeNull();
  });
});
