import { execute, type Orm } from '../../../schema/orm';
import type { ChannelAdapter, OutboundText } from '../port';
import { PermanentChannelError } from '../port';

const MAX_TEXT = 4096;
/** +999 is no country's code: the simulator treats such numbers as not on WhatsApp, so a failed send can be seen and tested. */
export const SIMULATOR_UNREACHABLE_PREFIX = '+999';

/**
 * The embedded channel: the "wire" is the simulator_deliveries table, unique on the idempotency
 * key, so a retried send lands once. The dashboard's phone panel reads the conversation itself.
 */
export function createSimulatorChannel(orm: Orm, channelId: string): ChannelAdapter {
  return {
    async send(message: OutboundText) {
      if (message.text.length > MAX_TEXT) throw new PermanentChannelError(`text longer than ${MAX_TEXT} characters`);
      if (message.to.startsWith(SIMULATOR_UNREACHABLE_PREFIX)) throw new PermanentChannelError(`${message.to} is not on WhatsApp`);
      await execute(
        orm,
        'insert into simulator_deliveries (idempotency_key, channel_id, to_phone, text) values (?, ?, ?, ?) on conflict (idempotency_key) do nothing',
        [message.idempotencyKey, channelId, message.to, message.text],
      );
      return { externalId: `sim:${message.idempotencyKey}` };
    },
  };
}
