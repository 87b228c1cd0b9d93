#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "mapping/Decimal.hpp"
#include "mapping/ValueConverter.hpp"

using namespace intouch;
using test::J;

namespace {

ColumnType type(const std::string& name) {
    std::string error;
    auto t = parseColumnType(name, error);
    if (!t) throw std::logic_error(error);
    return *t;
}

const TimeZone& prague() {
    static const TimeZone tz = TimeZone::load("Europe/Prague");
    return tz;
}

std::string conv(const std::string& typeName, const std::string& json, bool preferEarlier = true) {
    int nul = 0;
    return convertValue(J(json), type(typeName), ConversionContext{prague(), preferEarlier, &nul});
}

std::string err(const std::string& typeName, const std::string& json) {
    try {
        return "(converted to " + conv(typeName, json) + ")";
    } catch (const ConversionError& e) {
        return e.what();
    }
}

}  // namespace

TEST(ConvertText, StringsNumbersAndBooleans) {
    EXPECT_EQ(conv("text", R"("Nováková \"Eva\"")"), "Nováková \"Eva\"");
    EXPECT_EQ(conv("text", R"("")"), "");
    EXPECT_EQ(conv("text", "10500.00"), "10500.00");  // the JSON text, digits kept
    EXPECT_EQ(conv("text", "-1e3"), "-1e3");
    EXPECT_EQ(conv("text", "true"), "true");
    EXPECT_EQ(err("text", R"({"a":1})"),
              "expected a JSON string (or number or boolean), got a JSON object");
    EXPECT_EQ(err("text", "[1]"),
              "expected a JSON string (or number or boolean), got a JSON array");
}

TEST(ConvertText, NulBecomesReplacementCharacterAndIsCounted) {
    int nul = 0;
    const ConversionContext ctx{prague(), true, &nul};
    EXPECT_EQ(convertValue(J(R"("a\u0000b\u0000")"), type("text"), ctx),
              "a\xEF\xBF\xBD"
              "b\xEF\xBF\xBD");
    EXPECT_EQ(nul, 2);
}

TEST(ConvertInteger, WholeNumbersInRange) {
    EXPECT_EQ(conv("integer", "42"), "42");
    EXPECT_EQ(conv("integer", "-0"), "0");
    EXPECT_EQ(conv("integer", "2147483647"), "2147483647");
    EXPECT_EQ(conv("integer", "-2147483648"), "-2147483648");
    EXPECT_EQ(err("integer", "2147483648"), "out of range for integer (-2147483648..2147483647)");
    EXPECT_EQ(err("integer", "-2147483649"), "out of range for integer (-2147483648..2147483647)");
}

TEST(ConvertInteger, AZeroFractionIsAcceptedAnyOtherIsAnError) {
    EXPECT_EQ(conv("integer", "5.0"), "5");
    EXPECT_EQ(conv("integer", "5.000"), "5");
    EXPECT_EQ(conv("integer", "1e3"), "1000");
    EXPECT_EQ(conv("integer", "1.5e1"), "15");
    EXPECT_EQ(err("integer", "5.5"), "has a fraction; an integer column takes whole numbers only");
    EXPECT_EQ(err("integer", "1e-1"), "has a fraction; an integer column takes whole numbers only");
}

TEST(ConvertInteger, StringsAndBooleansAreErrorsNotZero) {
    EXPECT_EQ(err("integer", R"("12")"), "expected a JSON number (integer), got a JSON string");
    EXPECT_EQ(err("bigint", R"("12")"), "expected a JSON number (bigint), got a JSON string");
    EXPECT_EQ(err("bigint", "true"), "expected a JSON number (bigint), got a JSON boolean");
    EXPECT_EQ(err("bigint", "[]"), "expected a JSON number (bigint), got a JSON array");
}

TEST(ConvertBigint, Int64LimitsAreExact) {
    EXPECT_EQ(conv("bigint", "9223372036854775807"), "9223372036854775807");
    EXPECT_EQ(conv("bigint", "-9223372036854775808"), "-9223372036854775808");
    EXPECT_EQ(conv("bigint", "9223372036854775807.000"), "9223372036854775807");
    const std::string range = "out of range for bigint (-9223372036854775808..9223372036854775807)";
    EXPECT_EQ(err("bigint", "9223372036854775808"), range);
    EXPECT_EQ(err("bigint", "-9223372036854775809"), range);
    EXPECT_EQ(err("bigint", "18446744073709551616"), range);
    EXPECT_EQ(err("bigint", "1e19"), range);
    // 2^63 - 1 as a double would round to 2^63; the digits must not pass through one.
    EXPECT_EQ(conv("bigint", "9223372036854775806"), "9223372036854775806");
}

TEST(ConvertNumeric, KeepsEveryDigit) {
    EXPECT_EQ(conv("numeric", "12345678901234567890.123456789"), "12345678901234567890.123456789");
    EXPECT_EQ(conv("numeric(38,9)", "12345678901234567890.123456789"),
              "12345678901234567890.123456789");
    EXPECT_EQ(conv("numeric", "10500.00"), "10500.00");
    EXPECT_EQ(conv("numeric", "0.1"), "0.1");
    EXPECT_EQ(conv("numeric", "-0.000"), "0.000");
}

TEST(ConvertNumeric, ExponentsBecomePlainDecimals) {
    EXPECT_EQ(conv("numeric", "1e2"), "100");
    EXPECT_EQ(conv("numeric", "1.50e1"), "15.0");  // the scale PostgreSQL gives '1.50e1'::numeric
    EXPECT_EQ(conv("numeric", "1E-3"), "0.001");
    EXPECT_EQ(conv("numeric", "-2.5e-2"), "-0.025");
    EXPECT_EQ(conv("numeric", "123e-1"), "12.3");
}

TEST(ConvertNumeric, RoundsHalfAwayFromZeroToTheScale) {
    EXPECT_EQ(conv("numeric(14,2)", "1.005"), "1.01");
    EXPECT_EQ(conv("numeric(14,2)", "-1.005"), "-1.01");
    EXPECT_EQ(conv("numeric(14,2)", "2.675"), "2.68");  // 2.67 through a double
    EXPECT_EQ(conv("numeric(14,2)", "1.004999"), "1.00");
    EXPECT_EQ(conv("numeric(14,2)", "10.5"), "10.50");
    EXPECT_EQ(conv("numeric(14,2)", "99.995"), "100.00");
    EXPECT_EQ(conv("numeric(14,2)", "-0.001"), "0.00");
    EXPECT_EQ(conv("numeric(5,0)", "2.5"), "3");
    EXPECT_EQ(conv("numeric(5,0)", "-2.5"), "-3");
}

TEST(ConvertNumeric, TooManyIntegerDigitsIsAnError) {
    EXPECT_EQ(conv("numeric(38,9)", "99999999999999999999999999999.999999999"),
              "99999999999999999999999999999.999999999");
    EXPECT_EQ(err("numeric(38,9)", "100000000000000000000000000000"),
              "needs 30 digits before the decimal point, but numeric(38,9) allows 29");
    // Rounding can carry into a new integer digit.
    EXPECT_EQ(err("numeric(38,9)", "99999999999999999999999999999.9999999995"),
              "needs 30 digits before the decimal point, but numeric(38,9) allows 29");
    EXPECT_EQ(err("numeric(14,2)", "999999999999.995"),
              "needs 13 digits before the decimal point, but numeric(14,2) allows 12");
    EXPECT_EQ(conv("numeric(3,3)", "0.9994"), "0.999");
    EXPECT_EQ(err("numeric(3,3)", "0.9995"),
              "needs 1 digits before the decimal point, but numeric(3,3) allows 0");
}

TEST(ConvertNumeric, BeyondPostgresLimitsAndWrongKinds) {
    EXPECT_EQ(err("numeric", "1e200000"), "'1e200000' is too large for PostgreSQL numeric");
    EXPECT_EQ(err("numeric", "1e-20000"),
              "'1e-20000' has more fraction digits than PostgreSQL numeric keeps (16383)");
    EXPECT_EQ(err("numeric", R"("10.50")"), "expected a JSON number, got a JSON string");
    EXPECT_EQ(err("numeric(14,2)", "null"), "expected a JSON number, got a JSON null");
}

TEST(Decimal, ParsesAndNormalizes) {
    Decimal d = Decimal::parse("-0012.3400e1");
    EXPECT_TRUE(d.negative);
    EXPECT_EQ(d.integer, "123");
    EXPECT_EQ(d.fraction, "400");
    EXPECT_EQ(d.text(), "-123.400");
    EXPECT_EQ(Decimal::parse("0").text(), "0");
    EXPECT_EQ(Decimal::parse("0.5").rounded(0).text(), "1");
    EXPECT_EQ(Decimal::parse("9.99").rounded(1).text(), "10.0");
    EXPECT_EQ(Decimal::parse("-9223372036854775808").toInt64(), INT64_MIN);
    EXPECT_EQ(Decimal::parse("9223372036854775808").toInt64(), std::nullopt);
    EXPECT_THROW(Decimal::parse("1."), DecimalError);
    EXPECT_THROW(Decimal::parse(".5"), DecimalError);
    EXPECT_THROW(Decimal::parse("1e"), DecimalError);
    EXPECT_THROW(Decimal::parse("+1"), DecimalError);
    EXPECT_THROW(Decimal::parse("0x10"), DecimalError);
}

TEST(ConvertDouble, KeepsTheJsonText) {
    EXPECT_EQ(conv("double", "3.141592653589793"), "3.141592653589793");
    EXPECT_EQ(conv("double", "-1.5e300"), "-1.5e300");
    EXPECT_EQ(conv("double", "0"), "0");
    EXPECT_EQ(err("double", "1e400"), "out of range for double precision");
    EXPECT_EQ(err("double", R"("1.5")"), "expected a JSON number, got a JSON string");
}

TEST(ConvertBoolean, TrueFalseAndZeroOne) {
    EXPECT_EQ(conv("boolean", "true"), "true");
    EXPECT_EQ(conv("boolean", "false"), "false");
    EXPECT_EQ(conv("boolean", "1"), "true");
    EXPECT_EQ(conv("boolean", "0"), "false");
    EXPECT_EQ(err("boolean", "2"), "a number for a boolean column must be 0 or 1");
    EXPECT_EQ(err("boolean", "1.0"), "a number for a boolean column must be 0 or 1");
    EXPECT_EQ(err("boolean", R"("true")"), "expected true, false, 0 or 1, got a JSON string");
}

TEST(ConvertDate, IsoDatesIncludingBefore1970) {
    EXPECT_EQ(conv("date", R"("2024-12-24")"), "2024-12-24");
    EXPECT_EQ(conv("date", R"("1901-07-15")"), "1901-07-15");
    EXPECT_EQ(conv("date", R"("2024-02-29")"), "2024-02-29");
    EXPECT_EQ(err("date", R"("2023-02-29")"), "2023 is not a leap year: February has 28 days");
    EXPECT_EQ(err("date", R"("2024-12-24T10:00:00")"),
              "unexpected text after the date (expected exactly YYYY-MM-DD)");
    EXPECT_EQ(err("date", "20241224"),
              "expected a JSON string with a date YYYY-MM-DD, got a JSON number");
}

TEST(ConvertTime, TimesOfDay) {
    EXPECT_EQ(conv("time", R"("14:30:00")"), "14:30:00");
    EXPECT_EQ(conv("time", R"("07:05")"), "07:05:00");
    EXPECT_EQ(conv("time", R"("14:30:00.25")"), "14:30:00.250000");
    EXPECT_EQ(err("time", R"("23:59:60")"),
              "second 60 is a leap second, which PostgreSQL cannot store");
    EXPECT_EQ(err("time", "1430"),
              "expected a JSON string with a time HH:MM:SS, got a JSON number");
}

TEST(ConvertTimestamptz, IsoWithOffset) {
    EXPECT_EQ(conv("timestamptz", R"("2024-03-05T10:15:30+01:00")"), "2024-03-05 09:15:30+00");
    EXPECT_EQ(conv("timestamptz", R"("2024-03-05T10:15:30Z")"), "2024-03-05 10:15:30+00");
    EXPECT_EQ(conv("timestamptz", R"("2024-03-05 10:15:30.123456+01:00")"),
              "2024-03-05 09:15:30.123456+00");
    EXPECT_EQ(conv("timestamptz", R"("2024-03-05T10:15:30.5-05:00")"),
              "2024-03-05 15:15:30.500000+00");
    EXPECT_EQ(conv("timestamptz", R"("2024-01-01T00:30:00+01:00")"), "2023-12-31 23:30:00+00");
    EXPECT_EQ(conv("timestamptz", R"("1950-06-01T12:00:00+01:00")"), "1950-06-01 11:00:00+00");
}

TEST(ConvertTimestamptz, IsoWithoutOffsetIsSourceZoneTime) {
    EXPECT_EQ(conv("timestamptz", R"("2024-03-05T10:15:30")"), "2024-03-05 09:15:30+00");
    EXPECT_EQ(conv("timestamptz", R"("2024-07-05 10:15:30")"), "2024-07-05 08:15:30+00");
    // The spring-forward gap and the repeated autumn hour.
    EXPECT_EQ(conv("timestamptz", R"("2024-03-31T02:30:00")"), "2024-03-31 01:30:00+00");
    EXPECT_EQ(conv("timestamptz", R"("2024-10-27T02:30:00")", true), "2024-10-27 00:30:00+00");
    EXPECT_EQ(conv("timestamptz", R"("2024-10-27T02:30:00")", false), "2024-10-27 01:30:00+00");
    EXPECT_EQ(conv("timestamptz", R"("2040-07-01T12:00:00")"), "2040-07-01 10:00:00+00");
}

TEST(ConvertTimestamptz, EpochMilliseconds) {
    EXPECT_EQ(conv("timestamptz", "1709630130000"), "2024-03-05 09:15:30+00");
    EXPECT_EQ(conv("timestamptz", "1709630130123"), "2024-03-05 09:15:30.123000+00");
    EXPECT_EQ(conv("timestamptz", R"("1709630130000")"), "2024-03-05 09:15:30+00");
    EXPECT_EQ(conv("timestamptz", "-1000"), "1969-12-31 23:59:59+00");
    EXPECT_EQ(conv("timestamptz", R"("-1000")"), "1969-12-31 23:59:59+00");
    EXPECT_EQ(conv("timestamptz", "0"), "1970-01-01 00:00:00+00");
    EXPECT_EQ(conv("timestamptz", "1.7e12"), "2023-11-14 22:13:20+00");
    EXPECT_EQ(err("timestamptz", "1709630130000.5"), "epoch milliseconds must be a whole number");
    EXPECT_EQ(err("timestamptz", "253402300800000"), "outside the supported years 0001..9999");
    EXPECT_EQ(err("timestamptz", "99999999999999999999"),
              "epoch milliseconds outside the supported years 0001..9999");
}

TEST(ConvertTimestamptz, Errors) {
    EXPECT_EQ(err("timestamptz", R"("2016-12-31T23:59:60Z")"),
              "second 60 is a leap second, which PostgreSQL cannot store");
    EXPECT_EQ(err("timestamptz", R"("2024-03-05")"),
              "a date without a time; expected YYYY-MM-DDTHH:MM:SS");
    EXPECT_EQ(err("timestamptz", R"("05.03.2024 10:15")"), "expected a date as YYYY-MM-DD");
    EXPECT_EQ(err("timestamptz", "true"),
              "expected an ISO 8601 date-time string or epoch milliseconds, got a JSON boolean");
    EXPECT_EQ(err("timestamptz", R"("2024-03-05T10:15:30.1234567Z")"),
              "more than 6 fractional second digits (PostgreSQL keeps microseconds)");
}

TEST(ConvertTimestamptz, InstantMicros) {
    int nul = 0;
    const ConversionContext ctx{prague(), true, &nul};
    EXPECT_EQ(instantMicros(J(R"("2024-03-05T10:15:30+01:00")"), ctx), 1709630130000000);
    EXPECT_EQ(instantMicros(J(R"("2024-03-05T10:15:30")"), ctx), 1709630130000000);
    EXPECT_EQ(instantMicros(J("1709630130000"), ctx), 1709630130000000);
    EXPECT_THROW(instantMicros(J(R"("x")"), ctx), ConversionError);
}

TEST(ConvertTimestamp, KeepsLocalWallTime) {
    EXPECT_EQ(conv("timestamp", R"("2024-03-05T10:15:30")"), "2024-03-05 10:15:30");
    // A wall time inside the gap is kept as written: no zone, no gap.
    EXPECT_EQ(conv("timestamp", R"("2024-03-31T02:30:00")"), "2024-03-31 02:30:00");
    // An instant is shown as the source zone's wall clock at that instant.
    EXPECT_EQ(conv("timestamp", R"("2024-03-05T09:15:30Z")"), "2024-03-05 10:15:30");
    EXPECT_EQ(conv("timestamp", R"("2024-07-05T10:15:30+02:00")"), "2024-07-05 10:15:30");
    EXPECT_EQ(conv("timestamp", "1709630130000"), "2024-03-05 10:15:30");
    EXPECT_EQ(conv("timestamp", R"("1890-01-01T00:00:00.000001")"), "1890-01-01 00:00:00.000001");
}

TEST(ConvertJsonb, CompactJsonKeepingNumbersAndOrder) {
    EXPECT_EQ(conv("jsonb", R"({ "b" : 1.50, "a" : [true, null, "x"] })"),
              R"({"b":1.50,"a":[true,null,"x"]})");
    EXPECT_EQ(conv("jsonb", R"("plain")"), R"("plain")");
    EXPECT_EQ(conv("jsonb", "12"), "12");
    EXPECT_EQ(err("jsonb", R"({"n": 1e999999})"), "'1e999999' is too large for PostgreSQL numeric");
}

TEST(ConvertJsonb, NulInKeysAndValuesIsReplaced) {
    int nul = 0;
    const ConversionContext ctx{prague(), true, &nul};
    EXPECT_EQ(convertValue(J(R"({"k\u0000":["v\u0000\u0000"]})"), type("jsonb"), ctx),
              "{\"k\xEF\xBF\xBD\":[\"v\xEF\xBF\xBD\xEF\xBF\xBD\"]}");
    EXPECT_EQ(nul, 3);
}

TEST(ConvertArrays, TextArrayLiteralQuoting) {
    EXPECT_EQ(conv("text[]", R"(["a", "b \"q\"", null, 5, "NULL", "back\\slash", "", "{x,y}"])"),
              R"({"a","b \"q\"",NULL,"5","NULL","back\\slash","","{x,y}"})");
    EXPECT_EQ(conv("text[]", "[]"), "{}");
    EXPECT_EQ(err("text[]", R"(["a", ["b"]])"),
              "element 1 is a JSON array; only scalars fit in text[]");
    EXPECT_EQ(err("text[]", R"("a,b")"), "expected a JSON array of strings, got a JSON string");
}

TEST(ConvertArrays, BigintArray) {
    EXPECT_EQ(conv("bigint[]", "[1, -2, null, 9223372036854775807]"),
              "{1,-2,NULL,9223372036854775807}");
    EXPECT_EQ(err("bigint[]", R"([1, "2"])"),
              "element 1: expected a JSON number (bigint), got a JSON string");
    EXPECT_EQ(err("bigint[]", "[1.5]"),
              "element 0: has a fraction; an integer column takes whole numbers only");
    EXPECT_EQ(err("bigint[]", "{}"), "expected a JSON array of integers, got a JSON object");
}
