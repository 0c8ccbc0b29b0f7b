/** What activities run on, built once per process: no module-level singletons. */
import type { Client } from '@temporalio/client';
import type { Config } from './config';
import type { Orm } from '../schema/orm';
import type { ReceiptSink } from '../connector/channels/inbound-message';

export interface ActivityContext {
  config: Config;
  orm: Orm;
  temporal: Client;
  /** Where the connector's channels hand delivery receipts (connector/receipts.ts). */
  receipts: ReceiptSink;
}
