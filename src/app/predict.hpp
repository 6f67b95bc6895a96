// Predict-then-reveal widgets (issue 13), one implementation for lecture
// mode (the class's guess, entered by the presenter) and for "Predict
// first" (a student alone, in the Timings and Memory views): the entry of a
// guess at a LectureQuestion (options to click with a tally of hands, a
// slider, a click on an empty latency ladder for "where is the knee?"), the
// commit button, and the verdict beside the measurement. The questions,
// guesses, answers and verdict texts are the engine's (engine/lecture.hpp).
#pragma once

#include <string>

#include <imgui.h>

#include "app/plot_renderer.hpp"
#include "engine/lecture.hpp"

namespace cachescope::app {

using namespace cachescope::engine;  // the engine's types are the app's vocabulary

// The guess's entry: choice: each option (a kernel's title) to click, with
// "- N hands +" beside it when `tally`; number: a slider over the question's
// range; knee: the size placed so far (the click is drawKneePicker's).
void drawGuessEntry(const LectureQuestion& q, Guess& g, bool tally, float width);

// "Where is the knee?": an empty latency ladder, working set from `loBytes`
// to `hiBytes` on a log axis, to click on. A click in the data area places
// g.bytes (snapped to a quarter octave) and a marker shows it.
void drawKneePicker(const char* id, Guess& g, double loBytes, double hiBytes, ImVec2 size, const PlotTheme& theme);
// The data x of a left click inside `plot` drawn as the last item at
// [p0, p0 + size] (drawPlot), or a negative number when there was none.
double clickedDataX(const plot::Plot& plot, ImVec2 p0, ImVec2 size);

// "Commit guess", disabled until the guess says something; sets
// g.committed and returns true when pressed.
bool drawCommitButton(const LectureQuestion& q, Guess& g);

// The verdict line (verdictText), wrapped, in the heading colour; "Guess
// again" beside it when `again` (returns true when pressed).
bool drawVerdict(const LectureQuestion& q, const Guess& g, const Answer& a, bool again);

}  // namespace cachescope::app
