// The shared table layouter and number formatter, with literal expected text.
#include <catch2/catch.hpp>

#include <cmath>

#include "report/numbers.hpp"
#include "report/table.hpp"

using namespace cachescope;

TEST_CASE("layoutTable pads, aligns, rules and trims", "[report][table]") {
  TextTable t;
  t.align = {Align::Left};  // the rest right
  t.rows = {{"kernel", "n", "rate"}, {"naive", "1024", "1.5"}, {"blocked", "64", "12.25"}};
  CHECK(layoutTable(t) ==
        "kernel      n   rate\n"
        "--------------------\n"
        "naive    1024    1.5\n"
        "blocked    64  12.25\n");
}

TEST_CASE("layoutTable: two header rows, short rows, empty columns left out", "[report][table]") {
  TextTable t;
  t.align = {Align::Left, Align::Right, Align::Right, Align::Left};
  t.headerRows = 2;
  t.rows = {{"name", "", "value", "note"}, {"", "", "unit"}, {"a", "", "1", "x"}, {"bb", "", "22"}};
  // The second column is empty everywhere: gone. Left-aligned last cells leave no trailing spaces.
  CHECK(layoutTable(t) ==
        "name  value  note\n"
        "       unit\n"
        "-----------------\n"
        "a         1  x\n"
        "bb       22\n");
  t.rule = false;
  CHECK(layoutTable(t).find('-') == std::string::npos);
  CHECK(layoutTable(TextTable{}).empty());
}

TEST_CASE("numbers: fixed, significant, grouped, rates and durations", "[report][numbers]") {
  CHECK(fixedText(3.14159, 2) == "3.14");
  CHECK(fixedText(2.5, 0) == "2");  // round half to even, as printf
  CHECK(fixedText(-0.125, 1) == "-0.1");
  CHECK(fixedText(NAN, 2) == "-");
  CHECK(fixedText(INFINITY, 2) == "-");
  CHECK(fixedText(1e300, 0).size() == 301);
  CHECK(significantText(0.002) == "0.002");
  CHECK(significantText(123456789.0, 9) == "123456789");
  CHECK(significantText(NAN) == "nan");
  CHECK(groupedText(0) == "0");
  CHECK(groupedText(999) == "999");
  CHECK(groupedText(1000) == "1,000");
  CHECK(groupedText(268697600) == "268,697,600");
  CHECK(groupedText(18446744073709551615ull) == "18,446,744,073,709,551,615");
  CHECK(rateText(9.994) == "9.99");
  CHECK(rateText(12.34) == "12.3");
  CHECK(durationText(12.34e-6) == "12.3 us");
  CHECK(durationText(0.002) == "2.00 ms");
  CHECK(durationText(1.5) == "1.500 s");
  CHECK(durationText(NAN) == "-");
}
