#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace intouch::sim {

// JSON text is written by hand rather than through Poco::JSON because money must keep its
// exact decimal text (10500.00, not 10500 or 10500.000000001) and pages must be cheap to build.
namespace json {

// Quotes and escapes: '"', '\\' and every control character below 0x20 are escaped;
// all other bytes, including UTF-8 sequences, pass through unchanged.
void appendString(std::string& out, std::string_view s);
void appendInt(std::string& out, int64_t v);
// A fixed-point amount with exactly two decimals, given in hundredths: 1050000 -> 10500.00.
void appendDecimal(std::string& out, int64_t cents);
void appendBool(std::string& out, bool v);
std::string quote(std::string_view s);

}  // namespace json

// Keeps track of commas so callers only state structure.
class JsonBuilder {
  public:
    JsonBuilder& beginObject();
    JsonBuilder& endObject();
    JsonBuilder& beginArray();
    JsonBuilder& endArray();
    JsonBuilder& key(std::string_view k);
    JsonBuilder& str(std::string_view s);
    JsonBuilder& num(int64_t v);
    JsonBuilder& decimal(int64_t cents);
    JsonBuilder& boolean(bool v);
    JsonBuilder& null();
    // Already valid JSON text, inserted verbatim as one value.
    JsonBuilder& raw(std::string_view jsonText);

    std::string& text() { return out_; }
    std::string take() { return std::move(out_); }

  private:
    void beforeValue();

    std::string out_;
    std::vector<bool> hasItems_;
    bool afterKey_ = false;
};

}  // namespace intouch::sim
