// Split lists (ROOT/train.txt, val.txt, test.txt): one case name per line, where a line may be
// "name,anything" and only the part before the first comma counts.
#pragma once

#include <string>
#include <vector>

namespace semisam::io {

// The case names of a list file, in order. Blank lines and surrounding whitespace are ignored.
// Fails, naming the file, when it is missing, holds no names, or names a case twice (with both
// line numbers).
std::vector<std::string> read_split_list(const std::string& path);

// The same rules applied to text; `source` names it in messages.
std::vector<std::string> parse_split_list(const std::string& text, const std::string& source);

// Where a list lives: `list` itself when it is an absolute path, else ROOT/list.
std::string split_list_path(const std::string& root, const std::string& list);

// Writes one name per line, atomically.
void write_split_list(const std::string& path, const std::vector<std::string>& names);

}  // namespace semisam::io
