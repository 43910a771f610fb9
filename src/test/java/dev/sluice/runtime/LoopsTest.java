package dev.sluice.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The one start and shutdown path: stages start in order, a first pass "on start" is done before
 * the next stage starts, and they stop in reverse, each stage's loops ended and its work finished
 * before the stage before it is stopped. A component with no loops (off on this instance) is
 * neither started nor finished.
 */
class LoopsTest {

    private final List<String> events = new CopyOnWriteArrayList<>();

    private Background component(String name, Stage stage, boolean onStart, boolean enabled) {
        Loop loop = new Loop(name, () -> {
            events.add(name + " pass");
            return Pass.idle(Duration.ofHours(1));
        });
        if (onStart) {
            loop.firstPassOnStart();
        } else {
            loop.firstPassAfter(Duration.ofHours(1));
        }
        return new Background() {
            @Override
            public Stage stage() {
                return stage;
            }

            @Override
            public List<Loop> loops() {
                return enabled ? List.of(loop) : List.of();
            }

            @Override
            public boolean finish(Duration grace) {
                assertThat(loop.isRunning()).as(name + "'s loop has ended").isFalse();
                events.add(name + " finish");
                return true;
            }
        };
    }

    @Test
    void stagesStartInOrderAndStopInReverse() {
        Loops loops = new Loops(List.of(
                component("claims", Stage.WORK, false, true),
                component("off", Stage.WORK, true, false),
                component("leases", Stage.SERVICES, false, true),
                component("partitions", Stage.TABLES, true, true),
                component("membership", Stage.MEMBERSHIP, true, true)));

        loops.start();
        assertThat(events).containsExactly("partitions pass", "membership pass");
        assertThat(loops.all())
                .extracting(Loop::name)
                .containsExactlyInAnyOrder("claims", "leases", "partitions", "membership");

        loops.stop();
        assertThat(events)
                .containsExactly(
                        "partitions pass",
                        "membership pass",
                        "claims finish",
                        "leases finish",
                        "membership finish",
                        "partitions finish");
        assertThat(loops.all()).allSatisfy(l -> assertThat(l.isRunning()).isFalse());
    }
}
