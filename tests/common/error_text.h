// Test helpers for error messages: error_of (the semisam::Error text an action throws, or "") and
// EXPECT_ERROR_MENTIONS (the action throws a semisam::Error whose text contains every part).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "tensor/error.h"

namespace semisam::test {

// Runs action; returns the text of the semisam::Error it throws, or "" when it throws none.
inline std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace semisam::test

// EXPECT_ERROR_MENTIONS(action, parts...): action must throw a semisam::Error (a fatal failure
// otherwise) whose text contains each of parts (each missing one is a non-fatal failure).
#define EXPECT_ERROR_MENTIONS(action, ...)                                      \
  do {                                                                          \
    std::string message_ = ::semisam::test::error_of([&] { action; });          \
    ASSERT_FALSE(message_.empty()) << "no error from " #action;                 \
    for (const std::string& part_ : std::vector<std::string>{__VA_ARGS__})      \
      EXPECT_NE(message_.find(part_), std::string::npos)                        \
          << "message lacks '" << part_ << "': " << message_;                   \
  } while (0)
