#pragma once

#include <string>

namespace intouch {

// Everything the fetcher needs to reach one CRM; filled from the `source:` section.
struct SourceConfig {
    std::string url;  // root of the REST API, e.g. https://firma.itcrm.cz/api
    std::string username;
    std::string password;
    int pageSize = 1000;               // 1..1000; the largest page keeps request counts low
    std::string caFile;                // extra CA bundle, on top of the system store
    bool insecureSkipVerify = false;   // testing only
    double connectTimeoutSeconds = 10;
    double readTimeoutSeconds = 60;
    // One HTTP exchange from connect to the last body byte. The connect and read
    // timeouts restart with every packet; this bounds a server that drips.
    double requestTimeoutSeconds = 300;
    double maxRequestsPerSecond = 5;     // politeness: 1/N s from the end of one request to the next, retries included
    int maxAttempts = 6;                 // per request, including the first
    double maxRetryWaitSeconds = 300;    // total backoff budget per request (Retry-After included)
    double initialBackoffSeconds = 0.5;
    double maxBackoffSeconds = 30;
    // Largest answer accepted, counted on the wire and again after gzip inflating. A page of
    // 1000 large records (custom fields, long notes) is a few MiB; 64 MiB leaves ample room
    // while a gzip bomb or a runaway server cannot exhaust memory.
    std::int64_t maxResponseBytes = std::int64_t{64} << 20;
    std::string timeZone;  // CRM time zone override; empty = from /api/about
};

}  // namespace intouch
