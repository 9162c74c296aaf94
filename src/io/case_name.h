// The allow-list for case names: a case name becomes part of file names (ROOT/data/<case>.h5,
// <out>/<case>_pred.nii.gz, …), so one that holds a path must never reach a path join.
#pragma once

#include <string>

namespace semisam::io {

// Empty when `name` can be a case name, else why not. A case name is one non-empty path
// component: no '/' or '\', no NUL or other control character, not "." or "..", and it does
// not start with '.' (hidden files, and a name like "..x" reads as a path trick).
std::string case_name_problem(const std::string& name);

// Throws "<source>: case name '<name>' <problem>" when `name` fails case_name_problem; `source`
// says where the name came from (a split list and its line, an input file).
void check_case_name(const std::string& name, const std::string& source);

}  // namespace semisam::io
