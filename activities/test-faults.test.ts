import { parseTestBaileysSocket, parseTestFaults } from './test-faults';

describe('PARLEY_TEST_FAULTS', () => {
  it('is off when unset', () => {
    expect(parseTestFaults(undefined, undefined)).toEqual({ killAfterChannelSend: null, killAfterCommandRecorded: false, killAfterChunksStored: false });
    expect(parseTestFaults('', 'production')).toEqual({ killAfterChannelSend: null, killAfterCommandRecorded: false, killAfterChunksStored: false });
  });

  it('reads kill-after-channel-send:<n>', () => {
    expect(parseTestFaults('kill-after-channel-send:3', 'test')).toEqual({ killAfterChannelSend: 3, killAfterCommandRecorded: false, killAfterChunksStored: false });
  });

  it('reads kill-after-command-recorded, alone or in a list', () => {
    expect(parseTestFaults('kill-after-command-recorded', 'test')).toEqual({ killAfterChannelSend: null, killAfterCommandRecorded: true, killAfterChunksStored: false });
    expect(parseTestFaults(' kill-after-channel-send:2 , kill-after-command-recorded', undefined)).toEqual({ killAfterChannelSend: 2, killAfterCommandRecorded: true, killAfterChunksStored: false });
  });

  it('reads kill-after-chunks-stored', () => {
    expect(parseTestFaults('kill-after-chunks-stored', 'test')).toEqual({ killAfterChannelSend: null, killAfterCommandRecorded: false, killAfterChunksStored: true });
  });

  it('refuses to start with a fault in production', () => {
    expect(() => parseTestFaults('kill-after-channel-send:1', 'production')).toThrow('refused with NODE_ENV=production');
    expect(() => parseTestFaults('kill-after-command-recorded', 'production')).toThrow('refused with NODE_ENV=production');
  });

  it('names an unknown fault', () => {
    expect(() => parseTestFaults('kill-after-channel-send:0', undefined)).toThrow('unknown fault "kill-after-channel-send:0"');
    expect(() => parseTestFaults('crash-sometimes', undefined)).toThrow('expected kill-after-channel-send:<n>, kill-after-command-recorded or kill-after-chunks-stored');
  });
});

describe('PARLEY_TEST_BAILEYS_SOCKET', () => {
  it('is off when unset, the module path otherwise', () => {
    expect(parseTestBaileysSocket(undefined, 'production')).toBeNull();
    expect(parseTestBaileysSocket('/repo/test/support/fake-baileys-socket.ts', 'test')).toBe('/repo/test/support/fake-baileys-socket.ts');
  });

  it('is refused in production', () => {
    expect(() => parseTestBaileysSocket('/tmp/fake.ts', 'production')).toThrow('PARLEY_TEST_BAILEYS_SOCKET is for tests and is refused with NODE_ENV=production');
  });
});
