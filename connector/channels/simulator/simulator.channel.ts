import { randomUUID } from 'node:crypto';
import { execute, type Orm } from '../../../schema/orm';
import type { ChannelOptions } from '../../../schema/entities/channel.entity';
import type { SimulatorDeliveryOutcome } from '../../../schema/entities/simulator-delivery.entity';
import type { ChannelAdapter, DownloadedMedia, OutboundMessage } from '../port';
import type { InboundMediaRef } from '../inbound-message';
import { NotAcceptedError, PermanentChannelError } from '../port';
import { wireIdFor } from '../wire-id';

const MAX_TEXT = 4096;

/**
 * Numbers under +999 (no country's code) make the simulator's wire misbehave the way a real one
 * can, so every send state can be seen and tested.
 */
export const SIMULATOR_TEST_NUMBERS = {
  /** Not on WhatsApp: every send is refused for good. */
  notOnWhatsApp: '+9990',
  /** The connection drops right after the wire took the message, on the first attempt of each key. */
  dropsAfterSend: '+9991',
  /** The wire is rate limited: it refuses the first attempt of each key with 429 and takes the next. */
  rateLimited: '+9992',
} as const;

/**
 * The embedded channel. Its "wire" is the simulator_deliveries table, which records every attempt
 * it receives. By default the wire is idempotent the way WhatsApp Web is: the message carries a
 * wire id derived from the idempotency key, and an attempt with an id already delivered is a
 * DUPLICATE (a phone shows it once). With `idempotentWire: false` it is the Cloud API's wire: a
 * new id per attempt, so a second attempt is a second message. The dashboard's phone panel reads
 * the conversation itself. Every kind of content (media, buttons, list, template, reaction) is
 * taken and recorded with the attempt, so flows and broadcasts can be tested on it.
 */
export function createSimulatorChannel(orm: Orm, channelId: string, options: ChannelOptions['simulator'] = {}): ChannelAdapter {
  const idempotentWire = simulatorWireIsIdempotent(options);
  const record = (message: OutboundMessage, wireId: string, outcome: Exclude<SimulatorDeliveryOutcome, 'DUPLICATE'>) =>
    execute(
      orm,
      `insert into simulator_deliveries (id, channel_id, wire_id, idempotency_key, to_phone, text, content, outcome)
       select ?, ?, ?, ?, ?, ?, ?::jsonb, case when ? = 'DELIVERED' and exists (
         select 1 from simulator_deliveries where channel_id = ? and wire_id = ? and outcome <> 'REFUSED'
       ) then 'DUPLICATE' else ? end`,
      [
        randomUUID(), channelId, wireId, message.idempotencyKey, message.to, message.text, message.content ? JSON.stringify(message.content) : null,
        outcome, channelId, wireId, outcome,
      ],
    );
  const firstAttempt = async (message: OutboundMessage) => {
    const [{ n }] = await execute<{ n: number }[]>(
      orm,
      'select count(*)::int as n from simulator_deliveries where channel_id = ? and idempotency_key = ?',
      [channelId, message.idempotencyKey],
    );
    return n === 0;
  };

  return {
    retrySafe: idempotentWire,
    async send(message: OutboundMessage) {
      const wireId = idempotentWire ? wireIdFor(message.idempotencyKey) : `wamid.${randomUUID()}`;
      const refusal =
        message.text.length > MAX_TEXT ? new PermanentChannelError(`text longer than ${MAX_TEXT} characters`)
        : message.to.startsWith(SIMULATOR_TEST_NUMBERS.notOnWhatsApp) ? new PermanentChannelError(`${message.to} is not on WhatsApp`)
        : message.to.startsWith(SIMULATOR_TEST_NUMBERS.rateLimited) && (await firstAttempt(message)) ? new NotAcceptedError('429 Too Many Requests: rate limited, nothing was sent')
        : null;
      if (refusal) {
        await record(message, wireId, 'REFUSED');
        throw refusal;
      }
      const drops = message.to.startsWith(SIMULATOR_TEST_NUMBERS.dropsAfterSend) && (await firstAttempt(message));
      await record(message, wireId, 'DELIVERED');
      if (drops) throw Object.assign(new Error('socket hang up: the connection dropped after the message was written'), { code: 'ECONNRESET' });
      return { externalId: wireId };
    },
    downloadMedia: async (media) => simulatedMedia(media),
  };
}

/** Simulated media comes with its message, as a data: URL (simulateInbound's mediaUrl): nothing is fetched from anywhere. */
function simulatedMedia(media: InboundMediaRef): DownloadedMedia {
  const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(String(media.locator?.dataUrl ?? ''));
  if (!match) throw new PermanentChannelError('the simulated media has no data: URL');
  const body = match[2] ? Buffer.from(match[3], 'base64') : Buffer.from(decodeURIComponent(match[3]));
  return { body, mimeType: match[1] || 'application/octet-stream', size: body.length };
}

/** The simulator's wire is idempotent unless the channel was created with `idempotentWire: false`. */
export function simulatorWireIsIdempotent(options: ChannelOptions['simulator']): boolean {
  return options?.idempotentWire ?? true;
}

