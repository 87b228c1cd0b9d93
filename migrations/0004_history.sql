-- GENERATED from the mappings with `history: true` by historyTablesSql()
-- (connector/mapping/SchemaSql.cpp). Do not edit by hand: regenerate with
--   INTOUCH_WRITE_MIGRATION=1 mapping_tests --gtest_filter=ShippedMappings.HistoryMigrationMatchesMappings
-- Every version of a record: the table's columns, record_hash, valid_from (the
-- version's modified, or the run's time for full-replace streams) and valid_to (NULL
-- while current); <table>_as_of(t) returns the versions valid at t.

-- history of stream buscases
CREATE TABLE IF NOT EXISTS "buscases_history" (
    "history_id" bigserial PRIMARY KEY,
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
    "valid_from" timestamptz NOT NULL,
    "valid_to" timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS "buscases_hist_open" ON "buscases_history" ("id") WHERE "valid_to" IS NULL;
CREATE INDEX IF NOT EXISTS "buscases_hist_key" ON "buscases_history" ("id", "valid_from");
CREATE OR REPLACE FUNCTION "buscases_as_of"(at timestamptz)
RETURNS SETOF "buscases_history" LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT * FROM "buscases_history" WHERE "valid_from" <= at AND ("valid_to" IS NULL OR "valid_to" > at)
$$;
CREATE TABLE IF NOT EXISTS "buscases_items_history" (
    "history_id" bigserial PRIMARY KEY,
    "parent_id" bigint NOT NULL,
    "idx" integer NOT NULL,
    "product" bigint,
    "name" text,
    "quantity" numeric,
    "unit_price" numeric(14,2),
    "vat_rate" integer,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "valid_from" timestamptz NOT NULL,
    "valid_to" timestamptz
);
CREATE INDEX IF NOT EXISTS "buscases_items_hist_open" ON "buscases_items_history" ("parent_id") WHERE "valid_to" IS NULL;
CREATE INDEX IF NOT EXISTS "buscases_items_hist_key" ON "buscases_items_history" ("parent_id", "valid_from");
CREATE OR REPLACE FUNCTION "buscases_items_as_of"(at timestamptz)
RETURNS SETOF "buscases_items_history" LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT * FROM "buscases_items_history" WHERE "valid_from" <= at AND ("valid_to" IS NULL OR "valid_to" > at)
$$;

-- history of stream opportunities
CREATE TABLE IF NOT EXISTS "opportunities_history" (
    "history_id" bigserial PRIMARY KEY,
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
    "valid_from" timestamptz NOT NULL,
    "valid_to" timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS "opportunities_hist_open" ON "opportunities_history" ("id") WHERE "valid_to" IS NULL;
CREATE INDEX IF NOT EXISTS "opportunities_hist_key" ON "opportunities_history" ("id", "valid_from");
CREATE OR REPLACE FUNCTION "opportunities_as_of"(at timestamptz)
RETURNS SETOF "opportunities_history" LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT * FROM "opportunities_history" WHERE "valid_from" <= at AND ("valid_to" IS NULL OR "valid_to" > at)
$$;

-- history of stream parties
CREATE TABLE IF NOT EXISTS "parties_history" (
    "history_id" bigserial PRIMARY KEY,
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
    "valid_from" timestamptz NOT NULL,
    "valid_to" timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS "parties_hist_open" ON "parties_history" ("id") WHERE "valid_to" IS NULL;
CREATE INDEX IF NOT EXISTS "parties_hist_key" ON "parties_history" ("id", "valid_from");
CREATE OR REPLACE FUNCTION "parties_as_of"(at timestamptz)
RETURNS SETOF "parties_history" LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT * FROM "parties_history" WHERE "valid_from" <= at AND ("valid_to" IS NULL OR "valid_to" > at)
$$;
CREATE TABLE IF NOT EXISTS "parties_contacts_history" (
    "history_id" bigserial PRIMARY KEY,
    "parent_id" bigint NOT NULL,
    "idx" integer NOT NULL,
    "type" text,
    "value" text,
    "is_primary" boolean,
    "extra" jsonb,
    "record_hash" text NOT NULL,
    "valid_from" timestamptz NOT NULL,
    "valid_to" timestamptz
);
CREATE INDEX IF NOT EXISTS "parties_contacts_hist_open" ON "parties_contacts_history" ("parent_id") WHERE "valid_to" IS NULL;
CREATE INDEX IF NOT EXISTS "parties_contacts_hist_key" ON "parties_contacts_history" ("parent_id", "valid_from");
CREATE OR REPLACE FUNCTION "parties_contacts_as_of"(at timestamptz)
RETURNS SETOF "parties_contacts_history" LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT * FROM "parties_contacts_history" WHERE "valid_from" <= at AND ("valid_to" IS NULL OR "valid_to" > at)
$$;
