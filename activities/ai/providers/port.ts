/** What the AI route asks of an LLM provider, whichever wire it speaks. Pure. */
import type { AiProviderKind } from '../../../schema/entities/ai-settings.entity';

/** A provider with its key opened: built per call, never stored. */
export interface ProviderConfig {
  kind: AiProviderKind;
  baseUrl: string;
  model: string;
  apiKey: string | null;
}

/** One turn of the conversation as the model sees it. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** An image the model looks at with the last user turn (a vision-capable model). */
export interface ModelImage {
  mimeType: string;
  base64: string;
}

/** The tool the model must answer through: its arguments are the answer. */
export interface ModelTool {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

export interface ModelRequest {
  system: string;
  messages: ChatTurn[];
  temperature: number;
  timeoutMs: number;
  /** Shown with the last user turn, before its text. */
  images?: ModelImage[];
  /** The reply tool (reply-output.ts) unless another is asked for. */
  tool?: ModelTool;
}

/** The tool's arguments as the model gave them (unparsed), with the token counts. */
export interface ModelAnswer {
  toolInput: unknown;
  inputTokens: number | null;
  outputTokens: number | null;
}

/** One LLM endpoint. Throws on an HTTP error, a timeout or an answer that is not a tool call. */
export interface LlmProvider {
  readonly label: string;
  readonly model: string;
  complete(request: ModelRequest): Promise<ModelAnswer>;
}

/** The turn the request's images go with: the last one, when it is the customer's; -1 when there are none. */
export function imageTurnIndex(request: ModelRequest): number {
  const last = request.messages.length - 1;
  return request.images?.length && request.messages[last]?.role === 'user' ? last : -1;
}
