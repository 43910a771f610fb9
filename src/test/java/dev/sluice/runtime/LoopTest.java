package dev.sluice.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one scheduler of background work: it runs a pass, waits as the pass asks or until woken,
 * survives a pass that throws, ends on an Error (which health reports), and on stop lets the pass
 * under way finish and runs no more. Waits here are an hour long: only a wake-up, a retry or a
 * stop can end them within the test.
 */
class LoopTest {

    private static final Duration AN_HOUR = Duration.ofHours(1);

    private final List<Loop> started = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Loop loop : started) {
            loop.signalStop();
            loop.awaitStop(Duration.ofSeconds(5));
        }
    }

    private Loop start(Loop loop) {
        started.add(loop);
        loop.start();
        return loop;
    }

    @Test
    void anIdlePassWaitsAsAskedUntilTheLoopIsWoken() {
        AtomicInteger passes = new AtomicInteger();
        Loop loop = start(new Loop("test-idle", () -> {
            passes.incrementAndGet();
            return Pass.idle(AN_HOUR);
        }));

        await().until(() -> passes.get() == 1);
        loop.wake();
        await().until(() -> passes.get() == 2);
        loop.wake();
        await().until(() -> passes.get() == 3);
        assertThat(loop.death()).isNull();
    }

    @Test
    void aBusyPassIsFollowedAtOnceByTheNext() {
        AtomicInteger passes = new AtomicInteger();
        start(new Loop("test-busy", () -> passes.incrementAndGet() < 5 ? Pass.busy(1) : Pass.idle(AN_HOUR)));

        await().until(() -> passes.get() == 5);
    }

    @Test
    void theFirstPassWaitsItsDelayUnlessWoken() {
        AtomicInteger passes = new AtomicInteger();
        Loop loop = start(new Loop("test-delayed", () -> {
                    passes.incrementAndGet();
                    return Pass.idle(AN_HOUR);
                })
                .firstPassAfter(AN_HOUR));

        assertThat(passes).as("an hour before the first pass").hasValue(0);
        loop.wake();
        await().until(() -> passes.get() == 1);
    }

    @Test
    void aPassThatThrowsIsRetriedAndTheLoopCarriesOn() {
        AtomicInteger passes = new AtomicInteger();
        Loop loop = start(new Loop("test-failing", () -> {
            if (passes.incrementAndGet() <= 2) {
                throw new IllegalStateException("the database is away");
            }
            return Pass.idle(AN_HOUR);
        }));

        // Two failures: about 1 s and 1 s (capped at 1 s: no pass has asked for a longer wait yet).
        await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() == 3);
        assertThat(loop.isRunning()).isTrue();
        assertThat(loop.death()).isNull();
    }

    @Test
    void anErrorEndsTheLoopAndIsItsDeath() {
        Loop loop = start(new Loop("test-dying", () -> {
            throw new AssertionError("a bug");
        }));

        await().until(() -> loop.death() != null);
        assertThat(loop.death()).isInstanceOf(AssertionError.class).hasMessage("a bug");
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void stopLetsThePassUnderWayFinishAndRunsNoMore() throws InterruptedException {
        CountDownLatch inPass = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger passes = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Supplier<Pass> pass = () -> {
            passes.incrementAndGet();
            inPass.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            finished.incrementAndGet();
            return Pass.busy(1);
        };
        Loop loop = new Loop("test-stopping", pass);
        loop.start();
        inPass.await();

        loop.signalStop();
        assertThat(loop.isRunning()).isFalse();
        release.countDown();
        assertThat(loop.awaitStop(Duration.ofSeconds(10)))
                .as("ended within the grace")
                .isTrue();

        assertThat(finished).as("the pass under way finished").hasValue(1);
        assertThat(passes).as("a busy pass, yet no other ran after stop").hasValue(1);
    }
}
