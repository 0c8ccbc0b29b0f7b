import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';

/** Baileys' logger interface over the connector's log: only its errors are worth a line. */
export function baileysLogger(log: (msg: string, err?: unknown) => void, channelId: string): ILogger {
  const drop = () => undefined;
  const logger: ILogger = {
    level: 'error',
    child: () => logger,
    trace: drop,
    debug: drop,
    info: drop,
    warn: drop,
    error: (obj, msg) => log(`baileys ${channelId}: ${msg ?? (typeof obj === 'string' ? obj : 'error')}`, obj instanceof Error ? obj : (obj as { err?: unknown })?.err),
  };
  return logger;
}
