#pragma once
// The time of the current turn of this thread's event loop, read once per
// turn by the proactor instead of several times per request (nginx's
// ngx_time_update does the same). A small-file request read the clock about
// seven times (request start, send deadline, next receive deadline, access
// log, file-cache validity twice, Date), ~2 % of a worker's CPU on a
// kvm-clock VM.
//
// Outside a turn (tests, start-up, threads without a loop) every read is a
// fresh clock read. Inside one, times are as old as the turn: a deadline
// may be set up to one turn's work early, and a request's duration rounds
// to turns, as with nginx's $request_time.
#include <chrono>
#include <cstdint>

namespace tpserve::time {

namespace detail {
struct TurnState {
    std::chrono::steady_clock::time_point steady{};
    std::int64_t wall_seconds = 0;
    bool in_turn = false;
    bool wall_valid = false;
};
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): one per thread, by design
inline thread_local TurnState turn_state{};
}  // namespace detail

class TurnClock {
public:
    using Steady = std::chrono::steady_clock;

    [[nodiscard]] static Steady::time_point now() noexcept {
        return detail::turn_state.in_turn ? detail::turn_state.steady : Steady::now();
    }

    // Seconds since the Unix epoch (the wall clock, for Date and logs);
    // read at most once per turn.
    [[nodiscard]] static std::int64_t unix_seconds() noexcept {
        if (!detail::turn_state.in_turn) return read_unix_seconds();
        if (!detail::turn_state.wall_valid) {
            detail::turn_state.wall_seconds = read_unix_seconds();
            detail::turn_state.wall_valid = true;
        }
        return detail::turn_state.wall_seconds;
    }

    // A proactor calls this each time its wait returns.
    static Steady::time_point begin_turn() noexcept {
        detail::turn_state.steady = Steady::now();
        detail::turn_state.wall_valid = false;
        detail::turn_state.in_turn = true;
        return detail::turn_state.steady;
    }

    // When the loop ends, reads are fresh again.
    static void end_turns() noexcept { detail::turn_state.in_turn = false; }

private:
    static std::int64_t read_unix_seconds() noexcept {
        using namespace std::chrono;
        return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
    }
};

// Ends the turns of a loop however it is left.
class TurnScope {
public:
    TurnScope() noexcept { TurnClock::begin_turn(); }
    ~TurnScope() { TurnClock::end_turns(); }
    TurnScope(const TurnScope&) = delete;
    TurnScope& operator=(const TurnScope&) = delete;
};

}  // namespace tpserve::time
