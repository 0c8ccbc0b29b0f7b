import { Migration } from '@mikro-orm/migrations';

/**
 * channels.last_error: why a channel last failed (a Cloud API credentials check Meta refused).
 * `if not exists`: the WhatsApp Web work adds the same column in its own migration, and either may land first.
 */
export class Migration20261202040000_channel_last_error extends Migration {
  override name = 'Migration20261202040000_channel_last_error';

  override up(): void | Promise<void> {
    this.addSql(`alter table "channels" add column if not exists "last_error" text null;`);
  }
}
