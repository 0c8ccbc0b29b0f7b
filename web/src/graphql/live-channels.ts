import { ChannelFields, type Channel } from './fragments';
import { graphql } from './graphql';
import { subscribe } from './subscribe';

const ChannelUpdated = graphql(`subscription ChannelUpdated { channelUpdated { ...ChannelFields } }`, [ChannelFields]);

/**
 * The workspace's channels as they change (status, QR, last error, settings), for the Channels
 * page while it is open. `sync` runs each time the stream (re)opens: reload the list there, since
 * what changed while it was down never arrives. Returns the dispose function.
 */
export function listenChannels(handlers: { updated(channel: Channel): void; sync(): void }): () => void {
  return subscribe(ChannelUpdated, {}, { next: (d) => handlers.updated(d.channelUpdated), open: handlers.sync });
}
