package dev.sluice.dispatch;

import dev.sluice.job.Fence;
import dev.sluice.job.JobRepository;
import dev.sluice.job.Success;
import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.Pass;
import dev.sluice.runtime.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Writes successes in groups: a sender hands its outcome over and wakes the writer loop, which
 * takes everything handed over since its last write and writes it in one statement (each row still
 * fenced on its own). Under load a write carries many outcomes; alone, an outcome is written at
 * once, with no timer to wait for. The sender learns from a future whether its row moved: the
 * dispatcher's senders end and finish their jobs when it completes ({@link #handOver}), the
 * poller waits for it ({@link #succeeded}). If the write fails, every outcome of the group
 * completes with the failure and its job keeps its lease, which expires and is rescued. While the
 * loop does not run (before start, after stop) a sender writes what is handed over itself.
 */
@Component
class SuccessWriter implements Background {

    private static final Logger log = LoggerFactory.getLogger(SuccessWriter.class);
    /** Most outcomes in one statement. */
    static final int MAX_GROUP = 500;
    /** The loop is woken at each hand-over; this only bounds a missed wake-up. */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);

    private record Pending(String upstream, Success outcome, CompletableFuture<Boolean> written) {}

    private final JobRepository jobs;
    private final UpstreamGates gates;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Loop loop = new Loop("sluice-success-writer", this::runOnce);

    SuccessWriter(JobRepository jobs, UpstreamGates gates) {
        this.jobs = jobs;
        this.gates = gates;
    }

    /**
     * Writes the success and waits for it; false when the job was fenced out. The tokens the
     * answer says the job used, less those its upstream's token limiter reserved, correct the
     * limiter.
     */
    public boolean succeeded(String upstream, Fence fence, String resultJson, Instant submittedAt, Instant now) {
        return handOver(upstream, fence, resultJson, submittedAt, now).join();
    }

    /**
     * Hands the success over and returns at once; the future completes, on the writer's thread,
     * with whether the job's row moved (false: fenced out), or with the write's failure. A sender
     * that has nothing else to do for its job need not wait on a thread of its own: a parked
     * virtual thread keeps its stack (about 4 kB) on the heap until the write, and in a drain
     * those stacks were most of what the collector copied.
     */
    public CompletableFuture<Boolean> handOver(
            String upstream, Fence fence, String resultJson, Instant submittedAt, Instant now) {
        Pending p = new Pending(upstream, new Success(fence, resultJson, submittedAt, now), new CompletableFuture<>());
        queue.add(p);
        // Checked after the hand-over: either the loop still runs (and writes it, or its finish
        // does), or it has stopped and this sender writes it.
        if (loop.isRunning()) {
            loop.wake();
        } else {
            writeAllHandedOver();
        }
        return p.written();
    }

    /** Writes up to {@link #MAX_GROUP} of the outcomes handed over, in one statement. */
    public Pass runOnce() {
        List<Pending> group = new ArrayList<>(MAX_GROUP);
        queue.drainTo(group, MAX_GROUP);
        if (group.isEmpty()) {
            return Pass.idle(IDLE_WAIT);
        }
        write(group);
        return Pass.busy(group.size());
    }

    private void writeAllHandedOver() {
        while (runOnce().done() > 0) {
            // next group
        }
    }

    /** Tries of one write that a transient fault (a deadlock, a lock or connection timeout) refused. */
    static final int WRITE_TRIES = 3;

    private void write(List<Pending> group) {
        try {
            Map<Long, Integer> moved = writeAll(group);
            for (Pending p : group) {
                Integer surplus = moved.get(p.outcome().fence().jobId());
                if (surplus != null && surplus != 0) {
                    UpstreamGate gate = gates.get(p.upstream());
                    if (gate != null) {
                        gate.correctTokens(surplus);
                    }
                }
                p.written().complete(surplus != null);
            }
        } catch (DataIntegrityViolationException e) {
            // The statement is all or nothing, and one row's data refused it. The upstreams'
            // answers are checked before they get here, so this should not happen; if it does,
            // one job's answer must not decide the others': write each on its own.
            log.warn("writing {} outcome(s) together failed on their data; writing each alone", group.size(), e);
            group.forEach(this::writeAlone);
        } catch (RuntimeException e) {
            log.warn("writing {} outcome(s) failed; their leases will expire and the jobs be rescued", group.size(), e);
            group.forEach(p -> p.written().completeExceptionally(e));
        }
    }

    /**
     * The statement, tried again after a transient fault: the answers are in hand, and an outcome
     * not written leaves its job to a lease rescue (for an upstream without idempotency,
     * submit_unknown: an answer thrown away). The last fault is thrown.
     */
    private Map<Long, Integer> writeAll(List<Pending> group) {
        List<Success> outcomes = group.stream().map(Pending::outcome).toList();
        for (int tried = 1; ; tried++) {
            try {
                return jobs.markSucceededAll(outcomes);
            } catch (org.springframework.dao.TransientDataAccessException e) {
                if (tried == WRITE_TRIES) {
                    throw e;
                }
                log.info(
                        "writing {} outcome(s) met a transient fault (try {} of {}); trying again: {}",
                        group.size(),
                        tried,
                        WRITE_TRIES,
                        e.getMostSpecificCause().getMessage());
            }
        }
    }

    /** Writes one success; a result the database refuses fails that job alone, saying why. */
    private void writeAlone(Pending p) {
        Success s = p.outcome();
        try {
            p.written().complete(jobs.markSucceeded(s.fence(), s.resultJson(), s.submittedAt(), s.now()));
        } catch (DataIntegrityViolationException e) {
            String why = e.getMostSpecificCause().getMessage();
            jobs.markFailed(s.fence(), "the upstream's answer could not be stored: " + why, s.now());
            p.written().complete(false);
        } catch (RuntimeException e) {
            p.written().completeExceptionally(e);
        }
    }

    /** Starts before and stops after the loops whose senders hand outcomes over. */
    @Override
    public Stage stage() {
        return Stage.SERVICES;
    }

    @Override
    public List<Loop> loops() {
        return List.of(loop);
    }

    /** Writes what was handed over before the loop stopped. */
    @Override
    public boolean finish(Duration grace) {
        writeAllHandedOver();
        return true;
    }
}
