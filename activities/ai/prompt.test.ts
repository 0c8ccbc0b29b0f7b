import { buildPrompt, promptText, type PromptInput } from './prompt';

const input: PromptInput = {
  persona: null,
  botName: 'Ada',
  businessName: 'Test Shop',
  timeZone: 'Europe/Berlin',
  businessHours: { '1': [{ open: '09:00', close: '17:00' }] },
  outsideBusinessHours: true,
  now: new Date('2026-12-02T20:00:00Z'),
  contactName: 'Maria',
  passages: [{ documentName: 'prices.pdf', text: 'A croissant costs\n 2.50 EUR.' }],
  history: [
    { direction: 'OUTBOUND', text: 'Welcome!' },
    { direction: 'INBOUND', text: 'Hi' },
    { direction: 'INBOUND', text: 'How much is a croissant?' },
    { direction: 'OUTBOUND', text: '  ' },
  ],
  retrievalAvailable: true,
};

describe('buildPrompt', () => {
  test('persona default, bot name, hours and closed now, the contact, passages with document names, the rules', () => {
    const { system } = buildPrompt(input);
    expect(system).toContain('You are the customer service assistant of Test Shop');
    expect(system).toContain('Your name is Ada.');
    expect(system).toContain('Business hours (Europe/Berlin): Sunday closed; Monday 09:00-17:00; Tuesday closed');
    expect(system).toContain('the business is CLOSED (outside business hours)');
    expect(system).toContain("The customer's name: Maria.");
    expect(system).toContain('[1] (prices.pdf) A croissant costs 2.50 EUR.');
    expect(system).toContain("Answer in the customer's language");
    expect(system).toContain('Never invent prices, policies');
  });

  test('turns alternate and start with the customer: leading bot messages dropped, consecutive ones joined, blanks skipped', () => {
    expect(buildPrompt(input).messages).toEqual([{ role: 'user', content: 'Hi\nHow much is a croissant?' }]);
  });

  test('the persona replaces the default; no retriever and no passages are said so', () => {
    expect(buildPrompt({ ...input, persona: 'You are Bob.' }).system.startsWith('You are Bob.')).toBe(true);
    expect(buildPrompt({ ...input, retrievalAvailable: false }).system).toContain('Knowledge passages: none (no knowledge base is searchable yet).');
    expect(buildPrompt({ ...input, passages: [] }).system).toContain('Knowledge passages: none matched this question.');
    expect(buildPrompt({ ...input, businessHours: null, outsideBusinessHours: false }).system).toContain('always open');
  });

  test("a flow step's instructions follow the rules; blank or absent ones add nothing", () => {
    const { system } = buildPrompt({ ...input, instructions: '  Only talk about opening hours.  ' });
    expect(system).toContain('- Always answer by calling the reply tool.\n\nInstructions for this step (from the business):\nOnly talk about opening hours.\n\nBusiness hours');
    expect(buildPrompt({ ...input, instructions: '  ' }).system).toBe(buildPrompt(input).system);
    expect(buildPrompt(input).system).not.toContain('Instructions for this step');
  });

  test('promptText shows every part', () => {
    expect(promptText(buildPrompt(input))).toMatch(/^\[system\]\n[\s\S]*\n\n\[user\]\nHi\nHow much is a croissant\?$/);
  });
});
