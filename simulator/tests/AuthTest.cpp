#include <gtest/gtest.h>

#include "Auth.h"

using namespace intouch::sim;

TEST(Auth, AcceptsMatchingBasicCredentials) {
    // base64("api:secret") = YXBpOnNlY3JldA==
    EXPECT_TRUE(basicAuthMatches(std::string("Basic YXBpOnNlY3JldA=="), "api", "secret"));
    EXPECT_TRUE(basicAuthMatches(std::string("basic YXBpOnNlY3JldA=="), "api", "secret"));
}

TEST(Auth, RejectsEverythingElse) {
    EXPECT_FALSE(basicAuthMatches(std::nullopt, "api", "secret"));
    EXPECT_FALSE(basicAuthMatches(std::string("Basic YXBpOnNlY3JldA=="), "api", "Secret"));
    EXPECT_FALSE(basicAuthMatches(std::string("Bearer YXBpOnNlY3JldA=="), "api", "secret"));
    EXPECT_FALSE(basicAuthMatches(std::string("Basic"), "api", "secret"));
    EXPECT_FALSE(basicAuthMatches(std::string("Basic !!!notbase64"), "api", "secret"));
    // base64("api:") must not match an empty-password prefix of the real one.
    EXPECT_FALSE(basicAuthMatches(std::string("Basic YXBpOg=="), "api", "secret"));
}
