#pragma once
// The `<table>_current` views: a stream's rows without the soft-deleted ones (deleted_at),
// and each decoded column followed by its labels from the code lists (`<col>_label text`
// for one code, `<col>_labels text[]` for a code set, in the order of the codes; NULL where
// a code is not in its list). Child tables get one too, holding the rows of current parents.
// `migrate` creates them and keeps them in step with the mappings; `check` compares them.

#include <optional>
#include <string>
#include <vector>

#include "mapping/CodeListSource.hpp"
#include "mapping/MappingSpec.hpp"
#include "mapping/TableComments.hpp"

namespace intouch {

struct CurrentView {
    std::string name;                  // <table>_current
    std::string table;                 // the table it shows
    std::vector<std::string> columns;  // in view order
    std::string selectSql;             // unqualified: runs with search_path set
    TableComments comments;            // of the view and its columns
    // Identifies selectSql; kept at the end of the view's comment, so that `check` and
    // `migrate` can tell a view that is out of step with the mappings.
    std::string fingerprint;
};

// The stream's view, then one per child table.
std::vector<CurrentView> currentViews(const StreamSpec& spec,
                                      const std::optional<CodeListSource>& lists);

// The fingerprint as the view's comment ends with it: "(intouch-sync view 0123abcd4567)".
std::string viewFingerprintTag(const std::string& fingerprint);

// CREATE OR REPLACE VIEW ... AS ...; then the comments.
std::string createViewSql(const CurrentView& view);

}  // namespace intouch
