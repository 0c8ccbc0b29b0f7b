/** What activities run on, built once per process: no module-level singletons. */
import type { Client } from '@temporalio/client';
import type { Config } from './config';
import type { Orm } from '../schema/orm';

export interface ActivityContext {
  config: Config;
  orm: Orm;
  temporal: Client;
}
