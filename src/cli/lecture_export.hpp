// `cachescope lecture` (lecture_command.cpp): the headless handout export,
// and the hook through which a GUI build opens the app in lecture mode.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace cachescope::cli {

// Opens the app on the lecture at `path` (already validated); returns the
// exit code. Set by the GUI build (src/main/gui_command.cpp); unset in a
// headless build, where `lecture` without --export is a usage error.
using LectureOpener = std::function<int(const std::string& path)>;
void setLectureOpener(LectureOpener open);

// FILE, or the shipped default lecture when FILE is ""; FileError when none.
std::string resolveLecturePath(const std::string& file);

// Runs every step headless and writes DIR/index.html and DIR/stepNN-*.png|svg;
// `guesses` ("STEP=VALUE", --guess) are the class's answers, shown beside
// the measured ones (UsageError for a bad one, before anything runs).
int exportLecture(const std::string& dir, const std::string& file, const std::vector<std::string>& guesses = {});

}  // namespace cachescope::cli
