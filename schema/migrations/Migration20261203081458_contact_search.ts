import { Migration } from '@mikro-orm/migrations';

/**
 * The contacts table's search (schema/contacts/contact-query.ts) through a trigram index: without it
 * `ilike '%…%'` reads every contact of the workspace (bench/contacts: p95 237 ms at 100k). pg_trgm
 * ships with Postgres and is a trusted extension: the database's owner (the migrations' role) may
 * create it. The index is generated from the entities by `npm run migration:create`.
 */
export class Migration20261203081458_contact_search extends Migration {

  override name = 'Migration20261203081458_contact_search';

  override up(): void | Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create index contacts_search on contacts using gin ((coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || contact_key) gin_trgm_ops);`);
  }

}
