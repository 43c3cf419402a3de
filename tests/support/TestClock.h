#pragma once
// Sets the time the code under test reads on this thread, instead of
// sleeping past a validity. Code that reads time::TurnClock::now() (the file
// cache) sees the time of the current turn while one is open; this opens one
// on the calling thread and moves its time by hand. Other threads keep the
// real clock. It reaches into time::detail::turn_state, which exists for
// exactly one turn per thread: no change to server/ was needed.
#include <chrono>

#include "time/TurnClock.h"

namespace tpserve::support {

class TestClock {
public:
    using Steady = std::chrono::steady_clock;

    TestClock() { time::TurnClock::begin_turn(); }
    ~TestClock() { time::TurnClock::end_turns(); }
    TestClock(const TestClock&) = delete;
    TestClock& operator=(const TestClock&) = delete;

    [[nodiscard]] static Steady::time_point now() { return time::TurnClock::now(); }
    static void advance(Steady::duration by) { time::detail::turn_state.steady += by; }
};

}  // namespace tpserve::support
