// Personal data in the mapping (issue 17): what the loader accepts and refuses, and what the
// mapper makes of a record with `pii: exclude|hash`, `extra_exclude:` and `extra_hash:`.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <thread>
#include <utility>
#include <vector>

#include "mapping/HmacSha256.hpp"
#include "mapping/MappingLoader.hpp"
#include "mapping/Md5.hpp"
#include "mapping/PersonalData.hpp"
#include "mapping/RecordMapper.hpp"
#include "TestSupport.hpp"

namespace intouch {
namespace {

using test::J;

// RFC 4231, test case 2.
TEST(HmacSha256, MatchesTheRfc4231Vector) {
    EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// The one-shot HMAC() the mapper used before it kept a keyed context per thread: the
// digests must not change, or every hashed column would look changed on the next run.
std::string oneShotHmacHex(const std::string& key, const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

TEST(HmacSha256, ReusedContextGivesTheOneShotDigestsWhateverTheOrderOfKeys) {
    const std::string longKey(131, '\xaa');  // longer than SHA-256's block: hashed first
    const std::vector<std::pair<std::string, std::string>> table = {
        {"k", "800101/1234"},
        {"k", "800101/1234"},  // the same again: a re-initialised context, not a stale one
        {"k", ""},
        {"", "800101/1234"},   // an empty key is a key, not "keep the previous one"
        {"", ""},
        {"k", "+420 601 123 456"},
        {"other key", "+420 601 123 456"},
        {"k", "+420 601 123 456"},
        {longKey, "Test Using Larger Than Block-Size Key - Hash Key First"},
        {"k", std::string(10000, 'x')},
        {std::string("k\0k", 3), std::string("a\0b", 3)},
        {"Jefe", "what do ya want for nothing?"},
    };
    for (int round = 0; round < 2; ++round)
        for (const auto& [key, data] : table)
            EXPECT_EQ(hmacSha256Hex(key, data), oneShotHmacHex(key, data))
                << "key of " << key.size() << " bytes, data of " << data.size();
    // RFC 4231, test case 6 (a 131-byte key).
    EXPECT_EQ(hmacSha256Hex(longKey, "Test Using Larger Than Block-Size Key - Hash Key First"),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, EachThreadGetsTheSameDigests) {
    std::vector<std::string> seen(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < seen.size(); ++t)
        threads.emplace_back([&seen, t] {
            std::string last;
            for (int i = 0; i < 2000; ++i)
                last = hmacSha256Hex(t % 2 ? "k" : "other key", "value " + std::to_string(i));
            seen[t] = last;
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(seen[0], oneShotHmacHex("other key", "value 1999"));
    EXPECT_EQ(seen[1], oneShotHmacHex("k", "value 1999"));
    EXPECT_EQ(seen[2], seen[0]);
    EXPECT_EQ(seen[3], seen[1]);
}

std::string loadError(const std::string& yaml) {
    test::ScratchDir dir;
    const std::string path = dir.write("s.yaml", yaml);
    try {
        loadMappingFile(path);
    } catch (const MappingSpecError& e) {
        return e.what();
    }
    return "";
}

const char* const kHead = R"(stream: s
primary_key: [id]
cursor: modified
)";

TEST(PersonalDataMapping, RefusesWhatCannotBeHiddenWithFileLineAndAFix) {
    std::string e = loadError(std::string(kHead) + R"(columns:
  - {name: id, source: id, type: text, required: true, pii: hash}
  - {name: modified, source: modified, type: timestamptz}
)");
    EXPECT_NE(e.find("s.yaml:5:"), std::string::npos) << e;
    EXPECT_NE(e.find("primary key column 'id' cannot be pii: hash"), std::string::npos) << e;

    e = loadError(std::string(kHead) + R"(columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: modified, source: modified, type: timestamptz, pii: exclude}
)");
    EXPECT_NE(e.find("cursor column 'modified' cannot be pii: exclude"), std::string::npos) << e;

    e = loadError(std::string(kHead) + R"(columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: modified, source: modified, type: timestamptz}
  - {name: born, source: bornNumber, type: bigint, pii: hash}
)");
    EXPECT_NE(e.find("s.yaml:7:"), std::string::npos) << e;
    EXPECT_NE(e.find("declare it type: text"), std::string::npos) << e;

    e = loadError(std::string(kHead) + R"(columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: modified, source: modified, type: timestamptz}
  - {name: born, source: bornNumber, type: text, pii: hide}
)");
    EXPECT_NE(e.find("unknown pii 'hide'"), std::string::npos) << e;

    e = loadError(std::string(kHead) + R"(extra_exclude: customFields
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: modified, source: modified, type: timestamptz}
)");
    EXPECT_NE(e.find("'extra_exclude' must be a list of JSON paths"), std::string::npos) << e;
}

StreamSpec load(const std::string& yaml, const std::string& key = "k") {
    test::ScratchDir dir;
    StreamSpec spec = loadMappingFile(dir.write("s.yaml", yaml));
    spec.piiKey = key;
    return spec;
}

const char* const kMapping = R"(stream: s
primary_key: [id]
cursor: modified
keep_raw: true
extra_exclude: [custom.idCard, "tags[1]"]
extra_hash: [custom.email]
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: modified, source: modified, type: timestamptz}
  - {name: born, source: bornNumber, type: text, pii: exclude}
  - {name: phone, source: phone, type: text, pii: hash}
  - {name: age, source: age, type: integer}
children:
  - table: s_contacts
    source: contacts
    columns:
      - {name: kind, source: type, type: text}
      - {name: value, source: value, type: text, pii: hash}
)";

const char* const kRecord =
    R"({"id": 7, "modified": "2024-03-05T10:15:30+01:00", "bornNumber": "615228/1234",
        "phone": "+420 601 123 456", "age": 63, "tags": ["a", "secret-tag", "c"],
        "custom": {"idCard": "AB123456", "email": "eva@seznam.cz", "note": "ok"},
        "contacts": [{"type": "EMAIL", "value": "eva@seznam.cz"}, {"type": "WEB", "value": null}]})";

TEST(PersonalDataMapping, ExcludedColumnsHaveNoTableColumnAndHashedOnesHoldTheHmac) {
    const StreamSpec spec = load(kMapping);
    EXPECT_EQ(spec.valueColumns(), (std::vector<std::string>{"id", "modified", "phone", "age", "extra", "raw"}));
    ASSERT_EQ(spec.excludedColumns.size(), 1u);
    EXPECT_EQ(spec.excludedColumns[0].name, "born");

    const MappedRecord r = RecordMapper(spec, TimeZone::utc()).map(J(kRecord));
    EXPECT_EQ(r.values[2], hmacSha256Hex("k", "+420 601 123 456"));
    EXPECT_EQ(r.values[3], "63");
    // extra: the excluded paths gone (an array element becomes null, keeping positions), the
    // extra_hash field hashed; raw: the same scrubbed record, whole.
    const std::string email = hmacSha256Hex("k", "eva@seznam.cz");
    EXPECT_EQ(*r.values[4],
              R"({"tags":["a",null,"c"],"custom":{"email":")" + email + R"(","note":"ok"}})");
    const std::string raw = *r.values[5];
    for (const char* clear : {"615228/1234", "bornNumber", "601 123", "AB123456", "secret-tag", "eva@seznam.cz"})
        EXPECT_EQ(raw.find(clear), std::string::npos) << clear << " in " << raw;
    EXPECT_NE(raw.find(email), std::string::npos) << raw;
    // Children: hashed per element; null stays null.
    ASSERT_EQ(r.children[0].size(), 2u);
    EXPECT_EQ(r.children[0][0][3], email);
    EXPECT_EQ(r.children[0][1][3], std::nullopt);
}

// record_hash over the record as received would let anyone who reads the other columns test
// every candidate birth number against it; it is taken over the scrubbed record.
TEST(PersonalDataMapping, RecordHashAndRejectsSeeOnlyTheScrubbedRecord) {
    const StreamSpec spec = load(kMapping);
    const RecordMapper mapper(spec, TimeZone::utc());
    const json::Value record = J(kRecord);
    const MappedRecord r = mapper.map(record);
    EXPECT_NE(r.hash, md5Hex(record.toJson()));
    const std::string stored = mapper.storableJson(record);
    EXPECT_EQ(r.hash, md5Hex(stored));
    EXPECT_EQ(stored.find("615228/1234"), std::string::npos) << stored;
    EXPECT_EQ(stored.find("eva@seznam.cz"), std::string::npos) << stored;

    // A record that fails on another column: the error quotes no clear personal value.
    json::Value bad = J(R"({"id": 8, "modified": "2024-03-05T10:15:30+01:00", "phone": "+420 777 000 111",
                            "age": "+420 777 000 111"})");
    try {
        mapper.map(bad);
        FAIL() << "age is not an integer";
    } catch (const RecordError& e) {
        // The age column quotes its own value, which is not declared personal; the phone
        // column's is nowhere else.
        EXPECT_EQ(e.column(), "age");
    }
    EXPECT_EQ(mapper.storableJson(bad).find("\"phone\":\"+420"), std::string::npos);
}

// The mapper no longer re-serializes a scrubbed record from scratch for record_hash: the
// parts the scrub left alone are copied from the page text. The digests must be exactly
// those of the old path (md5 of the scrubbed copy's toJson), for compact and spaced pages,
// records the rules change at the top, only in a child element, or not at all.
TEST(PersonalDataMapping, RecordHashFromThePageTextIsTheOneOfTheScrubbedCopy) {
    const StreamSpec spec = load(kMapping);
    const RecordMapper mapper(spec, TimeZone::utc());
    const PersonalData personal(spec);
    const std::vector<std::string> records = {
        kRecord,
        // nothing to scrub: no personal value, a null phone, a contact without value
        R"({"id": 1, "modified": "2024-03-05T10:15:30+01:00", "phone": null, "age": 3,
            "custom": {"note": "x"}, "contacts": [{"type": "WEB", "value": null}]})",
        // only a child element changes
        R"({"id": 2, "modified": "2024-03-05T10:15:30+01:00", "age": 3,
            "contacts": [{"type": "WEB", "value": null}, {"type": "EMAIL", "value": "a@b.cz"}]})",
        // only a nested extra_hash value
        R"({"id": 3, "modified": "2024-03-05T10:15:30+01:00", "custom": {"deep": {"k": [1, 2]},
            "email": {"kind": "work", "at": "a@b.cz"}}, "tags": [{"x": 1}]})",
        // an excluded array element, an object hashed whole, escapes toJson writes another way
        R"({"id": 4, "modified": "2024-03-05T10:15:30+01:00", "tags": ["a\/b", {"q": "\u00e9"}, 1e3],
            "phone": {"cc": "+420", "n": "601"}, "s": "tab\there \"q\" \u0001"})",
        // duplicate keys: the first is the one mapped and hashed
        R"({"id": 5, "modified": "2024-03-05T10:15:30+01:00", "phone": "1", "phone": "2",
            "contacts": [], "bornNumber": null})",
    };
    for (const bool compact : {true, false}) {
        std::string page = compact ? "{\"items\":[" : "{\"items\": [";
        for (std::size_t i = 0; i < records.size(); ++i) {
            if (i) page += compact ? "," : ",\n  ";
            page += compact ? J(records[i]).toJson() : records[i];
        }
        page += "]}";
        const json::Value doc = json::parse(page);
        const auto& items = doc.find("items")->items();
        ASSERT_EQ(items.size(), records.size());
        for (std::size_t i = 0; i < items.size(); ++i) {
            SCOPED_TRACE("record " + std::to_string(i) + (compact ? ", compact" : ", spaced"));
            const json::Value scrubbed = personal.scrub(items[i]);
            std::string fromText;
            scrubbed.appendJsonFrom(fromText, page);
            EXPECT_EQ(fromText, scrubbed.toJson());
            EXPECT_EQ(personal.changes(items[i]), !(scrubbed == items[i]));
            const MappedRecord withText = mapper.map(items[i], page);
            EXPECT_EQ(withText.hash, md5Hex(scrubbed.toJson()));
            EXPECT_EQ(withText.hash, md5Hex(mapper.storableJson(items[i])));
            EXPECT_EQ(withText.hash, mapper.map(items[i]).hash);
            EXPECT_EQ(withText.values, mapper.map(items[i]).values);
        }
        // The first record's clear values are in the page but never in what is hashed.
        std::string fromText;
        personal.scrub(items[0]).appendJsonFrom(fromText, page);
        for (const char* clear : {"615228/1234", "601 123", "AB123456", "secret-tag", "eva@seznam.cz"})
            EXPECT_EQ(fromText.find(clear), std::string::npos) << clear << " in " << fromText;
        EXPECT_TRUE(personal.changes(items[0]));
        EXPECT_FALSE(personal.changes(items[1]));
        EXPECT_TRUE(personal.changes(items[2]));
        EXPECT_TRUE(personal.changes(items[3]));
    }
}

TEST(PersonalDataMapping, DifferentKeysGiveDifferentHashesTheSameKeyTheSame) {
    const RecordMapper a(load(kMapping, "one"), TimeZone::utc());
    const RecordMapper b(load(kMapping, "one"), TimeZone::utc());
    const RecordMapper c(load(kMapping, "two"), TimeZone::utc());
    const json::Value record = J(kRecord);
    EXPECT_EQ(a.map(record).values[2], b.map(record).values[2]);
    EXPECT_NE(a.map(record).values[2], c.map(record).values[2]);
}

TEST(PersonalDataMapping, NothingDeclaredLeavesTheRecordAsReceived) {
    const StreamSpec spec = load(R"(stream: s
primary_key: [id]
cursor: modified
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: modified, source: modified, type: timestamptz}
)");
    EXPECT_FALSE(spec.hashesPersonalData());
    const RecordMapper mapper(spec, TimeZone::utc());
    const json::Value record = J(kRecord);
    EXPECT_EQ(mapper.map(record).hash, md5Hex(record.toJson()));
    EXPECT_EQ(mapper.storableJson(record), record.toJson());
}

}  // namespace
}  // namespace intouch
