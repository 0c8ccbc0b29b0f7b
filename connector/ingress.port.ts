/**
 * The ingress as its callers see it (a connector's channels, and the API's simulator, which is
 * given one as ApiDeps.ingress): what goes in, what comes out, and the refusals it can answer with.
 * connector/inbound.ts implements it.
 */
import type { NormalizedInbound } from './channels/inbound-message';

export { InvalidPhoneError } from './phone';

/**
 * An inbound WhatsApp message as a channel received it: the normalized message (its `type`
 * defaults to TEXT, for the simulator) on the channel it came in on.
 */
export interface InboundEnvelope extends Omit<NormalizedInbound, 'type'>, Partial<Pick<NormalizedInbound, 'type'>> {
  channelId: string;
}

/**
 * Where an inbound message was stored: a message (a customer's, or one typed on the business's
 * phone: `fromMe`), or a reaction, which is no message of its own but attaches to the one it
 * reacts to (messageId and conversationId are that message's, null while it is not stored).
 */
export type InboundResult =
  | {
      kind: 'MESSAGE';
      messageId: string;
      conversationId: string;
      workspaceId: string;
      duplicate: boolean;
      /** When the row was stored. */
      createdAt: Date;
    }
  | { kind: 'REACTION'; messageId: string | null; conversationId: string | null; workspaceId: string };

/** No such channel (or not in the workspace the caller expected). */
export class UnknownChannelError extends Error {}
/** The channel is not of the kind the caller expected. */
export class WrongChannelKindError extends Error {}

export interface Ingress {
  /**
   * Stores the message (once per WhatsApp id) and hands it to its conversation workflow.
   * `expect` restricts the channel to one workspace and kind (the API's simulator): anything
   * else is an UnknownChannelError / WrongChannelKindError and nothing is written.
   */
  receive(envelope: InboundEnvelope, expect?: { workspaceId: string; kind: string }): Promise<InboundResult>;
  /** Writes the signalled marks still buffered. */
  close(): Promise<void>;
}
