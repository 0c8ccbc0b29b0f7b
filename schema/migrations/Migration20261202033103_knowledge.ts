import { Migration } from '@mikro-orm/migrations';

/** Knowledge (issue 10): knowledge bases, documents and their files, chunks and FAQs with their full-text search columns. Generated from the entities by `npm run migration:create`. */
export class Migration20261202033103_knowledge extends Migration {

  override name = 'Migration20261202033103_knowledge';

  override up(): void | Promise<void> {
    this.addSql(`create table "knowledge_bases" ("id" uuid not null, "workspace_id" uuid not null, "name" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "knowledge_bases_workspace" on "knowledge_bases" ("workspace_id", "created_at");`);

    this.addSql(`create table "faqs" ("id" uuid not null, "workspace_id" uuid not null, "knowledge_base_id" uuid not null, "question" text not null, "answer" text not null, "search" tsvector generated always as (to_tsvector('simple', question || ' ' || answer)) stored null, "embedding_model" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "faqs_search" on "public"."faqs" using gin("search");`);
    this.addSql(`create index "faqs_workspace_knowledge_base" on "faqs" ("workspace_id", "knowledge_base_id");`);

    this.addSql(`create table "documents" ("id" uuid not null, "workspace_id" uuid not null, "knowledge_base_id" uuid not null, "name" text not null, "source" text not null, "mime_type" text null, "size_bytes" int null, "url" text null, "file_key" uuid null, "text" text null, "status" text not null default 'PENDING', "error" text null, "revision" int not null default 1, "indexed_revision" int null, "chunk_count" int not null default 0, "chunks_done" int not null default 0, "embedding_model" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "indexed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "documents_knowledge_base" on "documents" ("workspace_id", "knowledge_base_id", "created_at");`);

    this.addSql(`create table "document_files" ("id" uuid not null, "workspace_id" uuid not null, "document_id" uuid not null, "bytes" bytea not null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "document_files" add constraint "document_files_document_id_key" unique ("document_id");`);

    this.addSql(`create table "chunks" ("id" uuid not null, "workspace_id" uuid not null, "knowledge_base_id" uuid not null, "document_id" uuid not null, "revision" int not null, "ordinal" int not null, "heading" text null, "text" text not null, "token_count" int not null, "search" tsvector generated always as (to_tsvector('simple', coalesce(heading, '') || ' ' || text)) stored null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "chunks_search" on "public"."chunks" using gin("search");`);
    this.addSql(`create index "chunks_workspace_knowledge_base" on "chunks" ("workspace_id", "knowledge_base_id");`);
    this.addSql(`alter table "chunks" add constraint "chunks_document_revision_ordinal" unique ("document_id", "revision", "ordinal");`);

    this.addSql(`alter table "knowledge_bases" add constraint "knowledge_bases_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "faqs" add constraint "faqs_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "faqs" add constraint "faqs_knowledge_base_id_fkey" foreign key ("knowledge_base_id") references "knowledge_bases" ("id") on delete cascade;`);

    this.addSql(`alter table "documents" add constraint "documents_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "documents" add constraint "documents_knowledge_base_id_fkey" foreign key ("knowledge_base_id") references "knowledge_bases" ("id") on delete cascade;`);
    this.addSql(`alter table "documents" add constraint "documents_source_check" check ("source" in ('FILE', 'URL', 'TEXT'));`);
    this.addSql(`alter table "documents" add constraint "documents_status_check" check ("status" in ('PENDING', 'PROCESSING', 'INDEXED', 'FAILED'));`);

    this.addSql(`alter table "document_files" add constraint "document_files_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "document_files" add constraint "document_files_document_id_fkey" foreign key ("document_id") references "documents" ("id") on delete cascade;`);

    this.addSql(`alter table "chunks" add constraint "chunks_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "chunks" add constraint "chunks_knowledge_base_id_fkey" foreign key ("knowledge_base_id") references "knowledge_bases" ("id") on delete cascade;`);
    this.addSql(`alter table "chunks" add constraint "chunks_document_id_fkey" foreign key ("document_id") references "documents" ("id") on delete cascade;`);
  }

}
