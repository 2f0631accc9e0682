// The bridge's own table set, versioned separately from the core schema (bridge_schema_version):
// each entry is one step, applied once, in order, for SQLite and PostgreSQL alike.

export interface BridgeMigration {
  readonly sqlite: string
  readonly postgres: string
}

const TABLES = (bigint: string, serial: string): string => `
  create table if not exists bridge_records (
    kind text not null,
    crdt_id text not null,
    book_id text not null,
    parent_id text,
    crm_id text,
    base text,
    crm_modified_at ${bigint},
    crm_hash text,
    book_hash text,
    archived integer not null default 0,
    parent_crm_id text,
    updated_at ${bigint} not null,
    primary key (kind, crdt_id)
  );
  create unique index if not exists bridge_records_crm_id on bridge_records (kind, crm_id);
  create index if not exists bridge_records_book on bridge_records (book_id);
  create table if not exists bridge_cursors (name text primary key, value text not null);
  create table if not exists bridge_outbox (
    kind text not null,
    crdt_id text not null,
    book_id text not null,
    enqueued_at ${bigint} not null,
    attempts integer not null,
    next_attempt_at ${bigint} not null,
    last_error text,
    primary key (kind, crdt_id)
  );
  create table if not exists bridge_dead_letters (
    id ${serial},
    kind text not null, crdt_id text not null, book_id text not null,
    code text not null, message text not null, payload text not null, at ${bigint} not null
  );
  create table if not exists bridge_conflicts (
    id ${serial},
    book_id text not null, kind text not null, crdt_id text not null, field text not null, property text not null,
    base text, book_value text, crm_value text, book_by text, book_at ${bigint}, crm_by text, crm_at ${bigint},
    policy text not null, winner text not null, result text, at ${bigint} not null
  );
  create index if not exists bridge_conflicts_book on bridge_conflicts (book_id, id);
  create table if not exists bridge_attention (
    kind text not null, crdt_id text not null, book_id text not null, issues text not null, at ${bigint} not null,
    primary key (kind, crdt_id)
  );
  create index if not exists bridge_attention_book on bridge_attention (book_id);
  create table if not exists bridge_webhook_deliveries (key text primary key, at ${bigint} not null);
`

/** Every accepted webhook delivery first deletes those past the replay horizon: by time, not by a scan. */
const DELIVERIES_BY_TIME = 'create index if not exists bridge_webhook_deliveries_at on bridge_webhook_deliveries (at);'

export const BRIDGE_MIGRATIONS: readonly BridgeMigration[] = [
  {
    sqlite: TABLES('integer', 'integer primary key autoincrement'),
    postgres: TABLES('bigint', 'bigserial primary key'),
  },
  { sqlite: DELIVERIES_BY_TIME, postgres: DELIVERIES_BY_TIME },
]
