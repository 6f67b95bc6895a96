#include <catch2/catch.hpp>

#include "bench/param_list.hpp"

using namespace cachescope;

TEST_CASE("comma lists and ranges", "[params]") {
  CHECK(parseIntList("64,128,256", "n") == std::vector<int>{64, 128, 256});
  CHECK(parseIntList("64:1024:x2", "n") == std::vector<int>{64, 128, 256, 512, 1024});
  CHECK(parseIntList("64:1000:x2", "n") == std::vector<int>{64, 128, 256, 512});
  CHECK(parseIntList("32:256:+32", "n") == std::vector<int>{32, 64, 96, 128, 160, 192, 224, 256});
  CHECK(parseIntList("16,64:256:*4", "n") == std::vector<int>{16, 64, 256});
  CHECK(parseIntList("7", "n") == std::vector<int>{7});
  auto d = parseDoubleList("0.25:1:+0.25", "density");
  REQUIRE(d.size() == 4);
  CHECK(d.back() == Approx(1.0));
}

TEST_CASE("malformed lists are usage errors", "[params]") {
  for (const char* bad : {"", "abc", "64,,128", "64:", "64:128", "64:32:x2", "64:128:x1", "64:128:+0", "1:2:3:4",
                          "64:128:y2", "1.5", "0:8:x2", "64,", "99999999999"}) {
    INFO(bad);
    CHECK_THROWS_AS(parseIntList(bad, "n"), UsageError);
  }
  CHECK_THROWS_WITH(parseIntList("64:a", "n"), Catch::Contains("--n"));
}

TEST_CASE("a list holds at most kMaxListValues values, and says so", "[params]") {
  // Exactly the bound is fine; one more is not.
  CHECK(parseIntList("1:" + std::to_string(kMaxListValues) + ":+1", "n").size() == kMaxListValues);
  CHECK_THROWS_WITH(parseIntList("0:" + std::to_string(kMaxListValues) + ":+1", "n"),
                    Catch::Contains("at most " + std::to_string(kMaxListValues)));
  // A long range is refused from its length, named in the message, without
  // being built (1e15 values would not fit in memory).
  CHECK_THROWS_WITH(parseIntList("1:1e15:+1", "n"),
                    Catch::Contains("has 1000000000000000 values") && Catch::Contains("at most 10000"));
  CHECK_THROWS_WITH(parseDoubleList("0:1:+1e-300", "density"),
                    Catch::Contains("more than 10^18 values") && Catch::Contains("at most 10000"));
  CHECK_THROWS_WITH(parseIntList("1:1e300:x1.0000001", "n"), Catch::Contains("at most 10000"));
  // Many short ranges add up to the same bound.
  std::string many;
  for (int i = 0; i < 11; ++i) many += (many.empty() ? "" : ",") + std::string("1:1000:+1");
  CHECK_THROWS_WITH(parseIntList(many, "n"), Catch::Contains("at most 10000"));
}

TEST_CASE("id lists split on commas and drop empty items", "[params]") {
  CHECK(splitIdList("matmul.naive") == std::vector<std::string>{"matmul.naive"});
  CHECK(splitIdList("a,,b,") == std::vector<std::string>{"a", "b"});
  CHECK(splitIdList(",").empty());
  CHECK(splitIdList("").empty());
  // Spaces around ids, as "--n '64, 128'" allows them around numbers.
  CHECK(splitIdList("matmul.naive, matmul.blas") == std::vector<std::string>{"matmul.naive", "matmul.blas"});
  CHECK(splitIdList("  a ,\tb  , ") == std::vector<std::string>{"a", "b"});
}
