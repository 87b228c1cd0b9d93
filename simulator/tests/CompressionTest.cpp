#include <Poco/InflatingStream.h>
#include <gtest/gtest.h>

#include <sstream>

#include "Compression.h"

using namespace intouch::sim;

TEST(Compression, RecognisesGzipInAcceptEncoding) {
    EXPECT_TRUE(acceptsGzip("gzip"));
    EXPECT_TRUE(acceptsGzip("deflate, gzip;q=0.5, br"));
    EXPECT_TRUE(acceptsGzip("GZIP"));
    EXPECT_TRUE(acceptsGzip("*"));
    EXPECT_FALSE(acceptsGzip(""));
    EXPECT_FALSE(acceptsGzip("identity"));
    EXPECT_FALSE(acceptsGzip("gzip;q=0"));
    EXPECT_FALSE(acceptsGzip("gzip; q=0.000, deflate"));
    EXPECT_FALSE(acceptsGzip("gzipx"));
}

TEST(Compression, GzipRoundTrips) {
    std::string text;
    for (int i = 0; i < 1000; ++i) text += "Dvořák \"x\" 😀 ";
    const std::string gz = gzipCompress(text);
    ASSERT_GE(gz.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
    EXPECT_LT(gz.size(), text.size());
    std::istringstream in(gz);
    Poco::InflatingInputStream inflater(in, Poco::InflatingStreamBuf::STREAM_GZIP);
    const std::string back((std::istreambuf_iterator<char>(inflater)),
                           std::istreambuf_iterator<char>());
    EXPECT_EQ(back, text);
}
