-- GENERATED from mappings/*.yaml by createTablesSql() (connector/mapping/SchemaSql.cpp).
-- Do not edit by hand: change the mapping files, then regenerate with
--   INTOUCH_WRITE_MIGRATION=1 mapping_tests --gtest_filter=ShippedMappings.MigrationMatchesMappings
-- That test fails whenever this file and the mappings differ.
-- Tables: mapped columns in mapping order, extra/raw jsonb, then record_hash,
-- synced_at and (incremental streams) deleted_at; child tables are keyed by
-- parent_<key> and idx and cascade from their parent.

-- stream buscases (incremental, buscases.yaml)
CREATE TABLE IF NOT EXISTS "buscases" (
    "id" bigint NOT NULL,
    "customer" bigint,
    "name" text,
    "case_type" integer,
    "total_price" numeric(14,2),
    "action" boolean,
    "subject" text,
    "street" text,
    "entered" timestamptz,
    "entered_by" text,
    "modified" timestamptz,
    "modified_by" text,
    "owner_user" text,
    "owner_group" text,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "buscases_items" (
    "parent_id" bigint NOT NULL,
    "idx" integer NOT NULL,
    "product" bigint,
    "name" text,
    "quantity" numeric,
    "unit_price" numeric(14,2),
    "vat_rate" integer,
    "extra" jsonb,
    PRIMARY KEY ("parent_id", "idx"),
    FOREIGN KEY ("parent_id") REFERENCES "buscases" ("id") ON DELETE CASCADE
);

-- stream comm (incremental, comm.yaml)
CREATE TABLE IF NOT EXISTS "comm" (
    "id" bigint NOT NULL,
    "customer" bigint,
    "person" bigint,
    "branch" bigint,
    "opportunity" bigint,
    "buscase" bigint,
    "campaign" bigint,
    "name" text,
    "plan_contact" date,
    "contacted" date,
    "contacted_time" time,
    "contact_type" text,
    "agenda_category" text,
    "comment" text,
    "letter_body" text,
    "phone" text,
    "call_duration" integer,
    "audio_url" text,
    "entered" timestamptz,
    "entered_by" text,
    "modified" timestamptz,
    "modified_by" text,
    "owner_user" text,
    "owner_group" text,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
);

-- stream files (full_replace, files.yaml)
CREATE TABLE IF NOT EXISTS "files" (
    "id" bigint NOT NULL,
    "name" text,
    "mime_type" text,
    "size" bigint,
    "src_type" text,
    "src_id" bigint,
    "entered" timestamptz,
    "modified" timestamptz,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY ("id")
);

-- stream invoices (incremental, invoices.yaml)
CREATE TABLE IF NOT EXISTS "invoices" (
    "id" bigint NOT NULL,
    "customer" bigint,
    "all_number" text,
    "total_price" numeric(14,2),
    "issued" date,
    "due" date,
    "paid" boolean,
    "entered" timestamptz,
    "entered_by" text,
    "modified" timestamptz,
    "modified_by" text,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "invoices_items" (
    "parent_id" bigint NOT NULL,
    "idx" integer NOT NULL,
    "product" bigint,
    "name" text,
    "quantity" numeric,
    "unit_price" numeric(14,2),
    "vat_rate" integer,
    "extra" jsonb,
    PRIMARY KEY ("parent_id", "idx"),
    FOREIGN KEY ("parent_id") REFERENCES "invoices" ("id") ON DELETE CASCADE
);

-- stream lists (full_replace, lists.yaml)
CREATE TABLE IF NOT EXISTS "lists" (
    "id" text NOT NULL,
    "name" text,
    "locked" boolean,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "lists_items" (
    "parent_id" text NOT NULL,
    "idx" integer NOT NULL,
    "name" text,
    "sequence" integer,
    "value" text,
    "extra" jsonb,
    PRIMARY KEY ("parent_id", "idx"),
    FOREIGN KEY ("parent_id") REFERENCES "lists" ("id") ON DELETE CASCADE
);

-- stream members (full_replace, members.yaml)
CREATE TABLE IF NOT EXISTS "members" (
    "org" bigint NOT NULL,
    "member" bigint NOT NULL,
    "priority" integer,
    "for_contact" text,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY ("org", "member")
);

-- stream notes (incremental, notes.yaml)
CREATE TABLE IF NOT EXISTS "notes" (
    "id" bigint NOT NULL,
    "src_type" text,
    "src_id" bigint,
    "note" text,
    "html" boolean,
    "entered" timestamptz,
    "entered_by" text,
    "modified" timestamptz,
    "modified_by" text,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
);

-- stream opportunities (incremental, opportunities.yaml)
CREATE TABLE IF NOT EXISTS "opportunities" (
    "id" bigint NOT NULL,
    "customer" bigint,
    "person" bigint,
    "branch" bigint,
    "parent" bigint,
    "name" text,
    "stage" text,
    "op_type" text,
    "amount" numeric(14,2),
    "expense" numeric(14,2),
    "profit" numeric(14,2),
    "intl_amount" numeric(14,2),
    "intl_expense" numeric(14,2),
    "intl_profit" numeric(14,2),
    "currency" text,
    "probability" integer,
    "close_date" date,
    "collect" date,
    "really_closed" date,
    "lost_occasion" text,
    "comment" text,
    "entered" timestamptz,
    "entered_by" text,
    "modified" timestamptz,
    "modified_by" text,
    "owner_user" text,
    "owner_group" text,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
);

-- stream parties (incremental, parties.yaml)
CREATE TABLE IF NOT EXISTS "parties" (
    "id" bigint NOT NULL,
    "type" text,
    "firstname" text,
    "surname" text,
    "name" text,
    "company" text,
    "birthday" date,
    "born_number" text,
    "card" text,
    "can_shopping" boolean,
    "categories" text,
    "categories_value" text,
    "city" text,
    "city_m" text,
    "country" text,
    "country_m" text,
    "country_value" text,
    "country_m_value" text,
    "adr_state" text,
    "adr_state_m" text,
    "delivery_addr" integer,
    "bank_account" text,
    "bank_code" text,
    "bank_symbol" text,
    "dic" text,
    "dic2" text,
    "debit" integer,
    "comment" text,
    "entered" timestamptz,
    "entered_by" text,
    "modified" timestamptz,
    "modified_by" text,
    "owner_user" text,
    "owner_group" text,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "parties_contacts" (
    "parent_id" bigint NOT NULL,
    "idx" integer NOT NULL,
    "type" text,
    "value" text,
    "is_primary" boolean,
    "extra" jsonb,
    PRIMARY KEY ("parent_id", "idx"),
    FOREIGN KEY ("parent_id") REFERENCES "parties" ("id") ON DELETE CASCADE
);

-- stream products (incremental, products.yaml)
CREATE TABLE IF NOT EXISTS "products" (
    "id" bigint NOT NULL,
    "name" text,
    "code" text,
    "price" numeric(14,2),
    "vat_rate" integer,
    "unit" text,
    "active" boolean,
    "entered" timestamptz,
    "entered_by" text,
    "modified" timestamptz,
    "modified_by" text,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
);

-- stream stores (incremental, stores.yaml)
CREATE TABLE IF NOT EXISTS "stores" (
    "id" bigint NOT NULL,
    "name" text,
    "street" text,
    "city" text,
    "entered" timestamptz,
    "entered_by" text,
    "modified" timestamptz,
    "modified_by" text,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
);
