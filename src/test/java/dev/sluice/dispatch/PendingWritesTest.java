package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A stopping instance hands its claims back only once the successes handed over are written. */
class PendingWritesTest {

    @Test
    void waitsForEveryWriteUnderWayAndNoLonger() throws Exception {
        PendingWrites writes = new PendingWrites();
        assertThat(writes.awaitNone(Duration.ZERO)).as("nothing under way").isTrue();

        writes.started();
        writes.started();
        assertThat(writes.awaitNone(Duration.ofMillis(20)))
                .as("two writes under way: the grace runs out")
                .isFalse();

        writes.finished();
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return writes.awaitNone(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        writes.finished();
        assertThat(waiting.get()).as("the last write's end wakes the waiter").isTrue();
    }
}
