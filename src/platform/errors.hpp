// The error vocabulary of every module (shared/design.md sections 2 and 4).
// Two bases, so a face needs to know no module's own types: an InputError
// means what was asked cannot be done as asked (exit 2; the GUI shows the
// message), a RunFailure means the request was fine but the run did not
// complete (exit 1). Messages are one line, ready to show as they are.
// It lives in platform, the lowest module, so the cache model's ConfigError
// can derive from it too.
#pragma once

#include <stdexcept>

namespace cachescope {

// Bad usage or input: a flag value, a parameter, a file the user named, a
// configuration the model cannot take.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A well-formed request that failed while running (no display for a window,
// a measurement that gave no usable number).
struct RunFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A command-line or settings value that cannot be used. The engine's settings
// and the faces throw it; module-specific input errors have their own types.
struct UsageError : InputError {
  using InputError::InputError;
};

}  // namespace cachescope
