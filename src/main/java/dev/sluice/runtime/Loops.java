package dev.sluice.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Starts every {@link Background} component's loops with the application, stage by stage, and is
 * the one shutdown path: stage by stage in reverse, it asks the stage's loops to stop, waits for
 * the passes under way, then lets each component finish the work its loops started, all within
 * the longest shutdown grace of the stage.
 */
// Named apart from the health indicator, which is "loops" in /actuator/health.
@Component("backgroundLoops")
public class Loops implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Loops.class);

    private final List<Background> components;
    private final Map<Stage, List<Running>> started = new EnumMap<>(Stage.class);
    private final List<Loop> everyLoop = new CopyOnWriteArrayList<>();
    private volatile boolean running;

    private record Running(Background component, List<Loop> loops) {}

    Loops(List<Background> components) {
        this.components = components.stream()
                .sorted(Comparator.comparing(Background::stage))
                .toList();
    }

    @Override
    public synchronized void start() {
        running = true;
        components.forEach(this::start);
    }

    /** Starts one component's loops (again, after {@link #stop(Background)}); none when it is off here. */
    public synchronized void start(Background component) {
        List<Loop> loops = component.loops();
        if (loops.isEmpty()) {
            return;
        }
        loops.stream().filter(l -> !everyLoop.contains(l)).forEach(everyLoop::add);
        loops.forEach(Loop::start);
        List<Running> stage = started.computeIfAbsent(component.stage(), s -> new ArrayList<>());
        if (stage.stream().noneMatch(r -> r.component() == component)) {
            stage.add(new Running(component, loops));
        }
    }

    /** Stops one component as the shutdown does: its loops end, then it finishes their work. */
    public synchronized void stop(Background component) {
        try {
            stopTogether(List.of(new Running(component, component.loops())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        started.values().forEach(stage -> stage.removeIf(r -> r.component() == component));
    }

    @Override
    public synchronized void stop() {
        running = false;
        try {
            for (Stage stage : reversed()) {
                stopTogether(started.getOrDefault(stage, List.of()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        started.clear();
    }

    /** Stops a stage's components together, within the longest grace among them. */
    private void stopTogether(List<Running> stageRunning) throws InterruptedException {
        if (stageRunning.isEmpty()
                || stageRunning.stream().allMatch(r -> r.loops().isEmpty())) {
            return;
        }
        Duration grace = stageRunning.stream()
                .map(r -> r.component().shutdownGrace())
                .max(Comparator.naturalOrder())
                .orElseThrow();
        long deadline = System.nanoTime() + grace.toNanos();
        stageRunning.forEach(r -> r.loops().forEach(Loop::signalStop));
        for (Running r : stageRunning) {
            for (Loop loop : r.loops()) {
                loop.awaitStop(left(deadline));
            }
        }
        for (Running r : stageRunning) {
            if (!r.component().finish(left(deadline))) {
                log.warn(
                        "{}: work still under way after {}; what it holds is rescued when its leases expire",
                        r.loops().getFirst().name(),
                        grace);
            }
        }
    }

    private static Stage[] reversed() {
        Stage[] all = Stage.values();
        Stage[] reversed = new Stage[all.length];
        for (int i = 0; i < all.length; i++) {
            reversed[i] = all[all.length - 1 - i];
        }
        return reversed;
    }

    private static Duration left(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Every loop started, for {@link LoopHealth}. */
    List<Loop> all() {
        return everyLoop;
    }
}
