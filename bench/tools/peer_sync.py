#!/usr/bin/python3
"""The reference a user would otherwise write in an afternoon: page /api/parties with
requests, upsert the parties and their contacts with psycopg2's execute_values, commit
per page. bench/run.sh times it next to intouch-sync on the same simulator and database.

Deliberately what a hand-written script does, not what intouch-sync does: no overlap
between pages (a record edited during the read can be skipped), no tie handling, no
checkpoint, no rejects, no type checks beyond PostgreSQL's. Same columns as
mappings/parties.yaml, so the database does comparable work.

usage: peer_sync.py URL USER PASSWORD DSN
"""
import sys

import psycopg2
import psycopg2.extras
import requests

COLUMNS = [  # (column, JSON field), as in mappings/parties.yaml
    ("id", "id"), ("type", "type"), ("firstname", "firstname"), ("surname", "surname"),
    ("name", "name"), ("company", "company"), ("birthday", "birthday"),
    ("born_number", "bornNumber"), ("card", "card"), ("can_shopping", "canShopping"),
    ("categories", "categories"), ("categories_value", "categoriesValue"), ("city", "city"),
    ("city_m", "cityM"), ("country", "country"), ("country_m", "countryM"),
    ("country_value", "countryValue"), ("country_m_value", "countryMValue"),
    ("adr_state", "adrState"), ("adr_state_m", "adrStateM"), ("delivery_addr", "deliveryAddr"),
    ("bank_account", "bankAccount"), ("bank_code", "bankCode"), ("bank_symbol", "bankSymbol"),
    ("dic", "dic"), ("dic2", "dic2"), ("debit", "debit"), ("comment", "comment"),
    ("entered", "entered"), ("entered_by", "enteredBy"), ("modified", "modified"),
    ("modified_by", "modifiedBy"), ("owner_user", "ownerUser"), ("owner_group", "ownerGroup"),
]
TYPES = {"id": "bigint PRIMARY KEY", "birthday": "date", "can_shopping": "boolean",
         "delivery_addr": "integer", "debit": "integer", "entered": "timestamptz",
         "modified": "timestamptz"}


def main(url, user, password, dsn):
    db = psycopg2.connect(dsn)
    cur = db.cursor()
    cols = ", ".join(f"{c} {TYPES.get(c, 'text')}" for c, _ in COLUMNS)
    cur.execute(f"CREATE SCHEMA IF NOT EXISTS peer; CREATE TABLE IF NOT EXISTS peer.parties ({cols});"
                "CREATE TABLE IF NOT EXISTS peer.parties_contacts (party_id bigint REFERENCES"
                " peer.parties ON DELETE CASCADE, idx int, type text, value text,"
                " is_primary boolean, PRIMARY KEY (party_id, idx))")
    db.commit()
    names = [c for c, _ in COLUMNS]
    upsert = (f"INSERT INTO peer.parties ({', '.join(names)}) VALUES %s ON CONFLICT (id) DO UPDATE SET "
              + ", ".join(f"{c} = EXCLUDED.{c}" for c in names[1:]))
    http = requests.Session()
    http.auth = (user, password)
    position, total = 0, None
    while total is None or position < total:
        r = http.get(f"{url}/parties", params={"position": position, "size": 1000, "orderBy": "modified"})
        r.raise_for_status()
        page = r.json()
        items = page["items"]
        total = page["total"]
        if not items:
            break
        psycopg2.extras.execute_values(
            cur, upsert, [tuple(rec.get(f) for _, f in COLUMNS) for rec in items], page_size=1000)
        ids = [rec["id"] for rec in items]
        cur.execute("DELETE FROM peer.parties_contacts WHERE party_id = ANY(%s)", (ids,))
        contacts = [(rec["id"], i, c.get("type"), c.get("value"), c.get("primary"))
                    for rec in items for i, c in enumerate(rec.get("contacts") or [])]
        psycopg2.extras.execute_values(
            cur, "INSERT INTO peer.parties_contacts VALUES %s", contacts, page_size=1000)
        db.commit()
        position += len(items)
    cur.execute("SELECT count(*) FROM peer.parties")
    print(cur.fetchone()[0])


if __name__ == "__main__":
    main(*sys.argv[1:5])
