// The case-name allow-list at every place a name enters: split lists (with file and line), the
// case-file path join, and NIfTI folder imports. A name like ../data/x used to be accepted and
// made `test --save_pred` write outside its folder.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "io/case_name.h"
#include "io/dataset.h"
#include "io/nifti_dataset.h"
#include "io/split_list.h"

namespace semisam::io {
namespace {

TEST(CaseName, AcceptsOrdinaryNames) {
  for (const char* name : {"phantom_0006", "la_003", "case.v2", "A-1 b", "x..y"})
    EXPECT_EQ(case_name_problem(name), "") << name;
}

TEST(CaseName, RefusesEveryWayOutOfAFolder) {
  const std::string with_nul("ab\0cd", 5);
  for (const std::string& name :
       {std::string("../data/phantom_0006"), std::string("/etc/passwd"), std::string("a/b"),
        std::string("a\\b"), std::string("."), std::string(".."), std::string(".hidden"),
        std::string(""), with_nul, std::string("a\nb"), std::string("tab\there")})
    EXPECT_NE(case_name_problem(name), "") << name;
}

TEST(CaseName, SplitListNamesTheFileAndLine) {
  EXPECT_ERROR_MENTIONS(parse_split_list("phantom_0001\n../data/phantom_0006\n", "lists/test.txt"),
                        "lists/test.txt, line 2", "'../data/phantom_0006'", "path separator");
  EXPECT_ERROR_MENTIONS(parse_split_list("ok\n/abs/case\n", "train.txt"), "train.txt, line 2");
  EXPECT_ERROR_MENTIONS(parse_split_list("..\n", "val.txt"), "val.txt, line 1", "'..'");
  EXPECT_ERROR_MENTIONS(parse_split_list(std::string("a\0b\n", 4), "t.txt"), "t.txt, line 1",
                        "NUL");
}

TEST(CaseName, CasePathRefusesANameThatIsAPath) {
  EXPECT_ERROR_MENTIONS(case_path("/data/root", "../../etc/x"), "'../../etc/x'");
  EXPECT_EQ(case_path("/data/root", "la_003"), "/data/root/data/la_003.h5");
}

TEST(CaseName, NiftiFolderImportRefusesAControlCharacterInAFileName) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("images"));
  test::write_bytes(dir.file("images/ok.nii.gz"), "not read");
  test::write_bytes(dir.file("images/bad\x01name.nii.gz"), "not read");
  EXPECT_ERROR_MENTIONS(find_image_folder(dir.file("images")), "bad\\x01name.nii.gz",
                        "control character");
}

}  // namespace
}  // namespace semisam::io
