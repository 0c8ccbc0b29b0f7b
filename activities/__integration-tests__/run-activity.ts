/**
 * Runs one send activity in a process of its own, as the connector or worker would, and prints
 * its result as JSON: Jest runs CommonJS and cannot load MikroORM (ES modules only).
 * `node --import tsx run-activity.ts sendMessages|markMessageFailed '<input json>'`, with
 * DATABASE_URL and TEMPORAL_ADDRESS set; sendMessages goes over the simulator channel `input.channelId`.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { createMessagingActivities } from '../messaging.activities';
import { createPersistenceActivities } from '../persistence.activities';
import { createOrm } from '../../schema/orm';
import { createSimulatorChannel } from '../../connector/channels/simulator/simulator.channel';

async function main(): Promise<void> {
  const [name, json] = process.argv.slice(2);
  const input = JSON.parse(json);
  const config = loadConfig();
  const orm = await createOrm(config.databaseUrl, 2);
  const connection = await Connection.connect({ address: config.temporalAddress });
  try {
    const ctx = { config, orm, temporal: new Client({ connection }) };
    const result =
      name === 'sendMessages' ? await createMessagingActivities(ctx, createSimulatorChannel(orm, input.channelId)).sendMessages(input)
      : name === 'markMessageFailed' ? await createPersistenceActivities(ctx).markMessageFailed(input)
      : Promise.reject(new Error(`unknown activity ${name}`));
    process.stdout.write(JSON.stringify(result ?? null));
  } finally {
    await connection.close();
    await orm.close();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
