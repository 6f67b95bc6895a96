// The source of cachescope_test_pch (tests/CMakeLists.txt): the target exists
// to build the precompiled catch.hpp that the test executables reuse.
