#include "SimConfig.h"

#include <functional>
#include <map>

#include "Clock.h"
#include "QueryParams.h"
#include "TimestampPlan.h"

namespace intouch::sim {

namespace {

using Apply = std::function<std::optional<std::string>(SimConfig&, const std::string&)>;

struct OptionDef {
    bool takesValue;
    Apply apply;
};

Apply integer(std::function<void(SimConfig&, int64_t)> set, int64_t lo, int64_t hi) {
    return [set, lo, hi](SimConfig& c, const std::string& v) -> std::optional<std::string> {
        auto n = parseInt64(v);
        if (!n || *n < lo || *n > hi)
            return "expects an integer between " + std::to_string(lo) + " and " +
                   std::to_string(hi);
        set(c, *n);
        return std::nullopt;
    };
}

Apply text(std::string SimConfig::*member) {
    return [member](SimConfig& c, const std::string& v) -> std::optional<std::string> {
        if (v.empty()) return "expects a non-empty value";
        c.*member = v;
        return std::nullopt;
    };
}

Apply flag(bool SimConfig::*member) {
    return [member](SimConfig& c, const std::string&) -> std::optional<std::string> {
        c.*member = true;
        return std::nullopt;
    };
}

using Streams = std::array<bool, kResourceCount>;

Apply streams(std::function<Streams&(SimConfig&)> field) {
    return [field](SimConfig& c, const std::string& v) -> std::optional<std::string> {
        auto s = parseStreamList(v);
        if (!s) return "expects a comma-separated list of stream names";
        field(c) = *s;
        return std::nullopt;
    };
}

const std::map<std::string, OptionDef, std::less<>>& options() {
    static const std::map<std::string, OptionDef, std::less<>> m{
        {"port",
         {true, integer([](SimConfig& c, int64_t v) { c.port = static_cast<int>(v); }, 0, 65535)}},
        {"bind", {true, text(&SimConfig::bind)}},
        {"seed",
         {true, integer([](SimConfig& c, int64_t v) { c.seed = static_cast<uint64_t>(v); }, 0,
                        INT64_MAX)}},
        {"records",
         {true, integer([](SimConfig& c, int64_t v) { c.records = v; }, 0, kMaxRecords)}},
        {"user", {true, text(&SimConfig::user)}},
        {"password", {true, text(&SimConfig::password)}},
        {"tie-size",
         {true, integer([](SimConfig& c, int64_t v) { c.tieSize = v; }, 1, kMaxRecords)}},
        {"datetime-format",
         {true,
          [](SimConfig& c, const std::string& v) -> std::optional<std::string> {
              auto f = parseDateTimeFormat(v);
              if (!f) return "expects iso-offset, iso-local or epoch-ms";
              c.datetimeFormat = *f;
              return std::nullopt;
          }}},
        {"timezone",
         {true,
          [](SimConfig& c, const std::string& v) -> std::optional<std::string> {
              if (!timeZoneExists(v)) return "names no time zone in the tz database";
              c.timezone = v;
              return std::nullopt;
          }}},
        {"shuffle-ties", {false, flag(&SimConfig::shuffleTies)}},
        {"threads",
         {true, integer([](SimConfig& c, int64_t v) { c.threads = static_cast<int>(v); }, 1, 256)}},
        {"tls-cert", {true, text(&SimConfig::tlsCert)}},
        {"tls-key", {true, text(&SimConfig::tlsKey)}},
        {"maintenance", {false, flag(&SimConfig::maintenance)}},
        {"mutate-per-request",
         {true, integer([](SimConfig& c, int64_t v) { c.mutatePerRequest = v; }, 0, 1'000'000)}},
        {"mutate-streams",
         {true,
          [](SimConfig& c, const std::string& v) -> std::optional<std::string> {
              auto s = parseStreamList(v);
              if (!s) return "expects a comma-separated list of stream names";
              c.mutateStreams = *s;
              return std::nullopt;
          }}},
        {"forbidden",
         {true,
          [](SimConfig& c, const std::string& v) -> std::optional<std::string> {
              auto s = parseStreamList(v);
              if (!s) return "expects a comma-separated list of stream names";
              c.forbidden = *s;
              return std::nullopt;
          }}},
        {"precompute", {false, flag(&SimConfig::precompute)}},
        {"page-members-files",
         {false,
          [](SimConfig& c, const std::string&) -> std::optional<std::string> {
              c.shape.pageMembersFiles = true;
              return std::nullopt;
          }}},
        {"lists-without-items",
         {false,
          [](SimConfig& c, const std::string&) -> std::optional<std::string> {
              c.shape.listsWithoutItems = true;
              return std::nullopt;
          }}},
        {"size-cap",
         {true, integer([](SimConfig& c, int64_t v) { c.shape.sizeCap = v; }, 0, kMaxPageSize)}},
        {"omit-total", {true, streams([](SimConfig& c) -> Streams& { return c.shape.omitTotal; })}},
        {"ignore-order-by",
         {true, streams([](SimConfig& c) -> Streams& { return c.shape.ignoreOrderBy; })}},
        {"ignore-position",
         {true, streams([](SimConfig& c) -> Streams& { return c.shape.ignorePosition; })}},
        {"crm-id", {true, text(&SimConfig::crmId)}},
        {"crm-version",
         {true,
          [](SimConfig& c, const std::string& v) -> std::optional<std::string> {
              auto version = parseSimCrmVersion(v);
              if (!version || version->empty())
                  return "expects a CRM version X.Y[.Z[.B]], e.g. 6.2 or 7.1";
              c.crmVersion = *version;
              return std::nullopt;
          }}},
        {"clock-start",
         {true,
          [](SimConfig& c, const std::string& v) -> std::optional<std::string> {
              auto t = parseClockStart(v);
              if (!t) return "expects an instant with its offset, e.g. 2027-10-31T00:30:00+02:00, or epoch seconds";
              // Generated data lies before the base instant; a clock behind it would be held
              // there (the clock never goes below data already handed out).
              if (*t < kBaseInstant) return "must not lie before 2025-01-01T00:00:00Z (the generated data's end)";
              c.clockStart = *t;
              return std::nullopt;
          }}},
        {"clock-speed",
         {true,
          [](SimConfig& c, const std::string& v) -> std::optional<std::string> {
              auto f = parseDouble(v);
              if (!f || !(*f > 0) || *f > 1e6) return "expects a number above 0, at most 1000000";
              c.clockSpeed = *f;
              return std::nullopt;
          }}},
        {"help", {false, flag(&SimConfig::help)}},
    };
    return m;
}

}  // namespace

std::variant<SimConfig, std::string> parseCommandLine(const std::vector<std::string>& args) {
    SimConfig c;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "-h") {
            c.help = true;
            continue;
        }
        if (arg.rfind("--", 0) != 0) return "unexpected argument '" + arg + "'";
        std::string name = arg.substr(2);
        std::optional<std::string> value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        }
        auto it = options().find(name);
        if (it == options().end()) return "unknown option --" + name;
        if (it->second.takesValue && !value) {
            if (i + 1 >= args.size()) return "option --" + name + " needs a value";
            value = args[++i];
        }
        if (!it->second.takesValue && value) return "option --" + name + " takes no value";
        if (auto err = it->second.apply(c, value.value_or("")))
            return "option --" + name + " " + *err;
    }
    if (c.tlsCert.empty() != c.tlsKey.empty())
        return "--tls-cert and --tls-key must be given together";
    return c;
}

std::string usageText() {
    return R"(usage: intouch-sim [options]
Simulated InTouch CRM REST API (see simulator/README.md).

  --port N                 listen port, 0 = ephemeral (default 0)
  --bind ADDR              listen address (default 127.0.0.1)
  --seed N                 data seed (default 42)
  --records N              number of parties; other streams scale (default 1000)
  --user NAME              Basic auth user (default api)
  --password TEXT          Basic auth password (default secret)
  --tie-size K             records sharing one generated `modified` (default 1)
  --datetime-format F      iso-offset | iso-local | epoch-ms (default iso-offset)
  --timezone ZONE          the CRM's time zone (default Europe/Prague)
  --shuffle-ties           random order within equal sort keys on every request
  --threads N              server worker threads = max concurrent connections (default 4)
  --tls-cert FILE          serve HTTPS with this PEM certificate ...
  --tls-key FILE           ... and this PEM private key
  --maintenance            /api/about reports mode 5
  --mutate-per-request N   random mutations before each list request (default 0)
  --mutate-streams LIST    streams those mutations apply to (default parties)
  --forbidden LIST         streams the API user may not read: 403 (default none)
  --precompute             render every record's JSON in advance (faster big pages)
  --crm-id TEXT            crmId in /api/about (default SIM-CRM-0001)
  --crm-version X.Y[.Z]    play this CRM version: /api/about reports it; 6.2 has no
                           /api/members, 7.x has /api/comments instead of /api/notes
                           (default: 6.5.0.1234 in about, every endpoint served)
  --page-members-files     members and files honour position/size (default size 20)
  --lists-without-items    /api/lists without items; they come from /api/lists/{id}
  --size-cap N             pages hold at most N records whatever size asks (0 = none)
  --omit-total LIST        streams whose page envelopes leave out `total`
  --ignore-order-by LIST   streams that ignore orderBy/desc (id order)
  --ignore-position LIST   streams that ignore position (always the first page)
  --clock-start T          the simulated clock starts at T (with its offset, e.g.
                           2027-10-31T00:30:00+02:00, or epoch seconds; default: the
                           wall clock); it sets `modified`, created stamps and Date
  --clock-speed F          simulated seconds per real second (default 1), e.g. 360
                           walks the autumn hour twice in 20 s
  --help                   this text
)";
}

RuntimeConfig initialRuntimeConfig(const SimConfig& c) {
    RuntimeConfig r;
    r.mutatePerRequest = c.mutatePerRequest;
    r.mutateStreams = c.mutateStreams;
    r.shuffleTies = c.shuffleTies;
    r.maintenance = c.maintenance;
    r.forbidden = c.forbidden;
    r.crmVersion = c.crmVersion;
    r.shape = c.shape;
    return r;
}

}  // namespace intouch::sim
