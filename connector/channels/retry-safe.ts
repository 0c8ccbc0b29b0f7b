import type { ChannelKind, ChannelOptions } from '../../schema/entities/channel.entity';
import { simulatorWireIsIdempotent } from './simulator/simulator.channel';

/**
 * A channel's `ChannelAdapter.retrySafe`, read from its row: for code that runs away from the
 * adapter (the worker, when a send is given up).
 */
export function channelIsRetrySafe(kind: ChannelKind, options: ChannelOptions | null): boolean {
  switch (kind) {
    case 'SIMULATOR':
      return simulatorWireIsIdempotent(options?.simulator);
    case 'BAILEYS':
      // WhatsApp Web takes the message id from the sender: the adapter derives it from the key.
      return true;
    case 'CLOUD_API':
      return false;
  }
}
