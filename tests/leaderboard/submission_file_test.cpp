// Submission files: an entry round-trips through JSON and through export and
// import between databases; bad files name the file and the field.
#include <catch2/catch.hpp>

#include "leaderboard/database.hpp"
#include "leaderboard/sha256.hpp"
#include "leaderboard_test_support.hpp"

using namespace cachescope;
using namespace cachescope::leaderboard;
using cachescope::test::entry;

TEST_CASE("sha256 matches the FIPS 180-4 test vectors") {
  CHECK(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256Hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("a submission file round-trips every field") {
  const std::vector<Submission> entries = {entry("anna", 80, 160), test::wrongEntry("bob")};
  const std::vector<Submission> back = parseSubmissionFile(submissionFileText(entries), "f.json");
  REQUIRE(back.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) CHECK(toJson(back[i]) == toJson(entries[i]));
  CHECK(back[0].host.key() == entries[0].host.key());
}

TEST_CASE("export from one database and import into another gives the same entries, once") {
  test::TempDir dir;
  const std::string a = dir.file("a.db"), b = dir.file("b.db"), file = dir.file("class.json");
  {
    Database db(a);
    db.insert(entry("anna", 80, 160));
    db.insert(entry("carl", 60, 90, "Other CPU"));
    db.insert(test::wrongEntry("bob"));
    test::writeText(file, submissionFileText(db.entries()));
  }
  Database target(b);
  target.insert(entry("dora", 70, 160));
  CHECK(target.insertAll(loadSubmissionFile(file)) == 3);
  CHECK(target.insertAll(loadSubmissionFile(file)) == 0);  // importing again adds nothing
  CHECK(target.count() == 4);
  Database source(a);
  const auto from = source.entries();
  const auto to = target.entries();
  for (std::size_t i = 0; i < from.size(); ++i) CHECK(toJson(to[i + 1]) == toJson(from[i]));
}

TEST_CASE("bad submission files are refused with the file and the field named") {
  auto errorOf = [](const std::string& text) {
    try {
      parseSubmissionFile(text, "anna.json");
    } catch (const SubmissionFileError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(errorOf("{").rfind("anna.json: not valid JSON", 0) == 0);
  CHECK(errorOf(R"({"format":"other"})").find("not a cachescope leaderboard file") != std::string::npos);
  nlohmann::json doc = nlohmann::json::parse(submissionFileText({entry("anna", 80, 160)}));
  nlohmann::json bad = doc;
  bad["submissions"][0]["speed"] = 3;
  CHECK(errorOf(bad.dump()) == "anna.json: submission 1: unknown field 'speed'");
  bad = doc;
  bad["submissions"][0].erase("name");
  CHECK(errorOf(bad.dump()) == "anna.json: submission 1: missing field 'name'");
  bad = doc;
  bad["submissions"][0]["rate"] = "fast";
  CHECK(errorOf(bad.dump()).find("field 'rate' must be a number") != std::string::npos);
  bad = doc;
  bad["submissions"][0]["verified"] = false;  // an unverified entry with a rate is not an entry we write
  CHECK(errorOf(bad.dump()).find("unverified entry has no rate") != std::string::npos);
  bad = doc;
  bad["submissions"][0]["source_hash"] = "abc";
  CHECK(errorOf(bad.dump()).find("source_hash") != std::string::npos);
  bad = doc;
  bad["extra"] = 1;
  CHECK(errorOf(bad.dump()) == "anna.json: unknown field 'extra'");
  CHECK(errorOf(doc.dump()).empty());
}
