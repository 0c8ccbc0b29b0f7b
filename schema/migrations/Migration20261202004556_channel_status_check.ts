import { Migration } from '@mikro-orm/migrations';

/** Generated from the entities by `npm run migration:create`. */
export class Migration20261202004556_channel_status_check extends Migration {

  override name = 'Migration20261202004556_channel_status_check';

  override up(): void | Promise<void> {
    this.addSql(`alter table "channels" add constraint "channels_status_check" check ("status" in ('CONNECTED', 'DISCONNECTED', 'PENDING'));`);
  }

}
