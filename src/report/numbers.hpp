// The one number formatter of reports: tables, CSV, captions and the GUI's
// text all write numbers through these, so a value reads the same everywhere.
#pragma once

#include <cstdint>
#include <string>

namespace cachescope {

// Fixed decimals ("%.*f"); "-" for NaN or infinity, which a table shows as
// "no number".
std::string fixedText(double v, int decimals);

// Up to `digits` significant digits ("%.*g"), the CSV form; "nan" when not
// finite so a CSV reader sees a number column.
std::string significantText(double v, int digits = 6);

// Digits in groups of three: 268697600 -> "268,697,600".
std::string groupedText(std::uint64_t v);

// A rate (GFLOP/s, GB/s): two decimals below 10, one above.
std::string rateText(double v);

// A duration with its unit: "12.3 us", "4.56 ms", "1.234 s"; "-" when not finite.
std::string durationText(double seconds);

}  // namespace cachescope
