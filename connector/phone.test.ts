import { InvalidPhoneError, toContactKey } from './phone';

describe('toContactKey', () => {
  it('keeps the digits of an E.164 number', () => {
    expect(toContactKey('+4915112345678')).toBe('4915112345678');
  });

  it('accepts the usual ways people write a number', () => {
    expect(toContactKey('+49 151 1234-5678')).toBe('4915112345678');
    expect(toContactKey('(+1) 555.000.1111')).toBe('15550001111');
    expect(toContactKey('0049 151 12345678')).toBe('4915112345678');
    expect(toContactKey('4915112345678')).toBe('4915112345678');
  });

  it('rejects what is not a phone number, saying what is expected', () => {
    for (const bad of ['', 'hello', '+0123456789', '+12', '+1234567890123456', '+49 151 abc', '+49151123456789x']) {
      expect(() => toContactKey(bad)).toThrow(InvalidPhoneError);
    }
    expect(() => toContactKey('nope')).toThrow(/international format, like \+4915112345678/);
  });
});
