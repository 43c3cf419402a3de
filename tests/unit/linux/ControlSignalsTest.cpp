// The control-signal watcher with real signals sent to this process
// (kill(getpid()), as an operator's kill or systemctl does: process-directed,
// so the watcher thread's signalfd sees them). Standard signals do not queue,
// so each test waits for an action before sending the next signal.
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <memory>

#include "WaitUntil.h"
#include "platform/Platform.h"

namespace tpserve::platform {
namespace {

using support::wait_until;

struct Counts {
    std::atomic<int> stop{0};
    std::atomic<int> reload{0};
    std::atomic<int> reopen{0};
};

ControlActions count_into(Counts& counts) {
    return {.stop = [&counts] { ++counts.stop; },
            .reload = [&counts] { ++counts.reload; },
            .reopen_logs = [&counts] { ++counts.reopen; }};
}

void send(int signo) {
    ASSERT_EQ(::kill(::getpid(), signo), 0);
}

TEST(ControlSignals, HupAndUsr1CallTheirActionsEachTime) {
    Counts counts;
    const auto signals = watch_control_signals(count_into(counts));
    for (int round = 1; round <= 5; ++round) {
        send(SIGHUP);
        ASSERT_TRUE(wait_until([&] { return counts.reload == round; })) << "round " << round;
        send(SIGUSR1);
        ASSERT_TRUE(wait_until([&] { return counts.reopen == round; })) << "round " << round;
    }
    EXPECT_EQ(counts.reload, 5);
    EXPECT_EQ(counts.reopen, 5);
    EXPECT_EQ(counts.stop, 0);
}

TEST(ControlSignals, Usr1WithoutAnActionIsIgnoredAndStopsNothing) {
    Counts counts;
    ControlActions actions = count_into(counts);
    actions.reopen_logs = nullptr;
    const auto signals = watch_control_signals(std::move(actions));
    for (int round = 1; round <= 3; ++round) {
        send(SIGUSR1);
        // The watcher still answers afterwards: SIGHUP is the witness that it
        // read past the SIGUSR1 (both read in number order: HUP=1, USR1=10).
        send(SIGHUP);
        ASSERT_TRUE(wait_until([&] { return counts.reload == round; })) << "round " << round;
    }
    EXPECT_EQ(counts.stop, 0);
    EXPECT_EQ(counts.reopen, 0);
}

TEST(ControlSignals, FirstTermCallsStopOnceAndOtherSignalsStillWork) {
    Counts counts;
    const auto signals = watch_control_signals(count_into(counts));
    send(SIGTERM);
    ASSERT_TRUE(wait_until([&] { return counts.stop == 1; }));
    // A reload or reopen during the drain still reaches its action.
    send(SIGUSR1);
    ASSERT_TRUE(wait_until([&] { return counts.reopen == 1; }));
    EXPECT_EQ(counts.stop, 1);
}

TEST(ControlSignals, DestructionIsPrompt) {
    Counts counts;
    auto signals = watch_control_signals(count_into(counts));
    send(SIGHUP);
    ASSERT_TRUE(wait_until([&] { return counts.reload == 1; }));
    const auto start = std::chrono::steady_clock::now();
    signals.reset();
    const auto took = std::chrono::steady_clock::now() - start;
    // The watcher waits for no signal and no timeout: the wake-up is immediate
    // (measured: tens of microseconds); 500 ms leaves room for a loaded CI machine.
    EXPECT_LT(took, std::chrono::milliseconds(500));
}

// The second SIGINT/SIGTERM ends the process at once; run in a child process
// (re-executed: "threadsafe"), since it exits.
TEST(ControlSignalsDeathTest, SecondStopSignalExitsAtOnce) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            Counts counts;
            const auto signals = watch_control_signals(count_into(counts));
            ::kill(::getpid(), SIGINT);
            if (!wait_until([&] { return counts.stop == 1; })) std::_Exit(3);
            ::kill(::getpid(), SIGTERM);
            (void)wait_until([] { return false; });  // the watcher ends us meanwhile
            std::_Exit(4);
        },
        testing::ExitedWithCode(1), "second signal, exiting immediately");
}

}  // namespace
}  // namespace tpserve::platform
