/** What activities run on, built once per process: no module-level singletons. */
import type { Client } from '@temporalio/client';
import type { Config } from './config';
import type { Orm } from '../schema/orm';
import type { ReceiptSink } from '../connector/channels/inbound-message';
import type { Embedder, VectorIndex } from './knowledge/ports';

export interface ActivityContext {
  config: Config;
  orm: Orm;
  temporal: Client;
  /** Where the connector's channels hand delivery receipts (connector/receipts.ts). */
  receipts: ReceiptSink;
  /** Absent: no embedder and no vector index (full-text only). */
  knowledge?: KnowledgeServices;
}

/** How chunks become searchable vectors; both null: retrieval is full-text only and ingestion skips the embed step. */
export interface KnowledgeServices {
  embedder: Embedder | null;
  vectorIndex: VectorIndex | null;
}
