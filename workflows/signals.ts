/**
 * What an agent (or the API) asks a conversation workflow to do. Pure: the workflow, the API that
 * records a command and the outbox that redelivers it share these shapes (DESIGN.md, "Commands are
 * durable"). The command's id is its row in `conversation_commands` and the Temporal update id.
 */
import type { ConversationMode } from './routing';

export const COMMAND_KINDS = ['TAKE_OVER', 'RELEASE', 'SEND_MESSAGE', 'RESEND_MESSAGE', 'APPROVE_DRAFT', 'REJECT_DRAFT'] as const;
/** One kind of agent command. */
export type CommandKind = (typeof COMMAND_KINDS)[number];

/** One agent command, as the workflow's `command` update receives it. */
export type AgentCommand =
  | { kind: 'TAKE_OVER'; commandId: string }
  | { kind: 'RELEASE'; commandId: string }
  /** An agent's reply, already a PENDING row (messageId) written with the command. */
  | { kind: 'SEND_MESSAGE'; commandId: string; messageId: string }
  /** A copy of a FAILED or UNCERTAIN message, the `resendNumber`th of it. */
  | { kind: 'RESEND_MESSAGE'; commandId: string; messageId: string; resendNumber: number }
  /** An AI draft approved (sent once, with the agent's edit when given) or rejected (never sent). */
  | { kind: 'APPROVE_DRAFT'; commandId: string; messageId: string; text: string | null }
  | { kind: 'REJECT_DRAFT'; commandId: string; messageId: string };

/** What the workflow answers once a command's effect is written: the mutation reads it back. */
export interface CommandResult {
  mode: ConversationMode;
  /** The message the command put on the send queue (the agent's reply, the resent copy, the approved draft). */
  messageId: string | null;
}
