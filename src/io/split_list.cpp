// Reading and writing split lists.
#include "io/split_list.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "io/atomic_file.h"
#include "io/case_name.h"
#include "tensor/error.h"

namespace semisam::io {
namespace {

std::string trim(const std::string& text) {
  const char* space = " \t\r\n\f\v";
  size_t begin = text.find_first_not_of(space);
  if (begin == std::string::npos) return {};
  size_t end = text.find_last_not_of(space);
  return text.substr(begin, end - begin + 1);
}

}  // namespace

std::vector<std::string> parse_split_list(const std::string& text, const std::string& source) {
  std::vector<std::string> names;
  std::map<std::string, size_t> first_line;
  std::istringstream in(text);
  std::string line;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (trim(line).empty()) continue;
    std::string name = trim(line.substr(0, line.find(',')));
    SEMISAM_CHECK(!name.empty(), "split list ", source, ", line ", line_number,
                  ": no case name before the comma");
    check_case_name(name, "split list " + source + ", line " + std::to_string(line_number));
    auto [it, inserted] = first_line.emplace(name, line_number);
    SEMISAM_CHECK(inserted, "split list ", source, " names case '", name, "' twice (lines ",
                  it->second, " and ", line_number, ")");
    names.push_back(name);
  }
  SEMISAM_CHECK(!names.empty(), "split list ", source, " holds no case names");
  return names;
}

std::vector<std::string> read_split_list(const std::string& path) {
  std::error_code error;
  SEMISAM_CHECK(std::filesystem::is_regular_file(path, error), "split list not found: ", path);
  std::ifstream in(path, std::ios::binary);
  SEMISAM_CHECK(in.good(), "cannot read split list ", path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_split_list(text.str(), path);
}

std::string split_list_path(const std::string& root, const std::string& list) {
  std::filesystem::path path(list);
  if (path.is_absolute()) return list;
  return (std::filesystem::path(root) / path).string();
}

void write_split_list(const std::string& path, const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += name + "\n";
  write_text_atomically(path, text);
}

}  // namespace semisam::io
