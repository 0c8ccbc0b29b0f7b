import { optOutDecision } from './opt-out';

describe('optOutDecision', () => {
  it('opts out on the default words in any case, spacing or trailing punctuation', () => {
    for (const text of ['STOP', ' stop ', 'Stop.', 'unsubscribe', 'Baja!', 'BAJA']) expect(optOutDecision(text, null)?.optedOut).toBe(true);
    expect(optOutDecision('stop', null)?.reply).toBe("You're unsubscribed and will get no more broadcasts from us. Reply START to subscribe again.");
  });

  it('opts back in on START', () => {
    expect(optOutDecision('start', {})).toEqual({ optedOut: false, reply: "You're subscribed again. Reply STOP to unsubscribe." });
  });

  it('leaves anything else to routing, a word inside a sentence included', () => {
    for (const text of ['please stop', 'stopp', 'STOP IT', '', '   ', 'started']) expect(optOutDecision(text, null)).toBeNull();
  });

  it("takes the workspace's words and confirmations", () => {
    const settings = { optOutKeywords: ['PARAR', 'Cancelar'], optInKeywords: ['ALTA'], optOutReply: 'Listo, no más mensajes.', optInReply: null };
    expect(optOutDecision('cancelar', settings)).toEqual({ optedOut: true, reply: 'Listo, no más mensajes.' });
    expect(optOutDecision('STOP', settings)).toBeNull();
    expect(optOutDecision('alta', settings)).toEqual({ optedOut: false, reply: "You're subscribed again. Reply PARAR to unsubscribe." });
  });

  it('falls back to the defaults for settings cached before opt-out existed', () => {
    expect(optOutDecision('STOP', { optOutKeywords: [] })?.optedOut).toBe(true);
  });
});
