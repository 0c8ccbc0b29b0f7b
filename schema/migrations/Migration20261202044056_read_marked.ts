import { Migration } from '@mikro-orm/migrations';

/** Generated from the entities by `npm run migration:create`. */
export class Migration20261202044056_read_marked extends Migration {

  override name = 'Migration20261202044056_read_marked';

  override up(): void | Promise<void> {
    this.addSql(`alter table "messages" add "read_marked_at" timestamptz null;`);
    this.addSql(`create index "messages_read_unmarked" on "messages" ("conversation_id") where direction = 'INBOUND' and read_marked_at is null;`);
  }

}
