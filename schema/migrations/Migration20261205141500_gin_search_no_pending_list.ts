import { Migration } from '@mikro-orm/migrations';

/**
 * The full-text GIN indexes of chunks and FAQs without a pending list (`fastupdate = off`).
 * With it on, the rows ingestion inserts wait in an unsorted list of up to 4 MB
 * (gin_pending_list_limit) until autovacuum merges them, and every search scans that list whole:
 * bench/retrieval measured full-text p50 29.2 ms / p99 44.3 ms over 100k chunks with the list full
 * and 9.0 / 26.1 ms once it was merged. Off, each insert updates the index itself (ingestion pays
 * a little per chunk; a search never does). The lists already there are merged now.
 */
export class Migration20261205141500_gin_search_no_pending_list extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter index "public"."chunks_search" set (fastupdate = off);`);
    this.addSql(`alter index "public"."faqs_search" set (fastupdate = off);`);
    this.addSql(`select gin_clean_pending_list('"public"."chunks_search"'::regclass);`);
    this.addSql(`select gin_clean_pending_list('"public"."faqs_search"'::regclass);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter index "public"."chunks_search" reset (fastupdate);`);
    this.addSql(`alter index "public"."faqs_search" reset (fastupdate);`);
  }
}
