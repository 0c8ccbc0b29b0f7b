/**
 * The part of Baileys' socket a session uses, and where sockets come from: `makeWASocket` by
 * default; the tests' fake (test/support/fake-baileys-socket.ts) through PARLEY_TEST_BAILEYS_SOCKET,
 * which is refused in production.
 */
import type { AnyMessageContent, AuthenticationState, BaileysEventEmitter, MiscMessageGenerationOptions, WAMessage, WAMessageKey } from '@whiskeysockets/baileys';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';

/** What the session calls on makeWASocket's socket (a fake implements exactly this). */
export interface BaileysSocket {
  ev: Pick<BaileysEventEmitter, 'on' | 'off'>;
  user?: { id: string } | undefined;
  sendMessage(jid: string, content: AnyMessageContent, options?: MiscMessageGenerationOptions): Promise<WAMessage | undefined>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  readMessages(keys: WAMessageKey[]): Promise<void>;
  end(error: Error | undefined): void | Promise<void>;
  logout(msg?: string): Promise<void>;
  signalRepository?: { lidMapping?: { getPNForLID(lid: string): Promise<string | null> } };
}

/** What a socket is opened with: the channel, its auth state (connector/channels/baileys/auth-state.ts) and Baileys' logger. */
export interface SocketFactoryInput {
  channelId: string;
  auth: AuthenticationState;
  logger: ILogger;
}

/** Opens a socket for a channel's session. */
export type SocketFactory = (input: SocketFactoryInput) => BaileysSocket | Promise<BaileysSocket>;

/** The real one: Baileys' makeWASocket, not shown as online (the phone keeps its notifications). */
export const makeBaileysSocket: SocketFactory = async ({ auth, logger }) => {
  const { default: makeWASocket, Browsers } = await import('@whiskeysockets/baileys');
  return makeWASocket({ auth, logger, browser: Browsers.ubuntu('Parley'), markOnlineOnConnect: false, syncFullHistory: false }) as unknown as BaileysSocket;
};

/** The factory the connector uses: the test hook's module when set (activities/config.ts refuses it in production), else Baileys. */
export async function socketFactory(testModule: string | null): Promise<SocketFactory> {
  if (!testModule) return makeBaileysSocket;
  const loaded = (await import(testModule)) as { createSocket?: SocketFactory; default?: { createSocket?: SocketFactory } };
  const factory = loaded.createSocket ?? loaded.default?.createSocket;
  if (!factory) throw new Error(`PARLEY_TEST_BAILEYS_SOCKET: ${testModule} exports no createSocket`);
  return factory;
}
