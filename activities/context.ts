/** What activities run on, built once per process: no module-level singletons. */
import type { Client } from '@temporalio/client';
import type { Config } from './config';
import type { Orm } from '../schema/orm';
import type { ReceiptSink } from '../connector/channels/inbound-message';
import type { Knowledge } from './knowledge';

export interface ActivityContext {
  config: Config;
  orm: Orm;
  temporal: Client;
  /** Where the connector's channels hand delivery receipts (connector/receipts.ts). */
  receipts: ReceiptSink;
  /** Embedder, vector index and retriever (activities/knowledge/index.ts); absent in processes that run no knowledge activities. */
  knowledge?: Knowledge;
}

/** What ingestion needs of the knowledge services: how chunks become vectors, and where they go (null: full-text only). */
export type KnowledgeServices = Pick<Knowledge, 'embedder' | 'vectorIndex'>;
