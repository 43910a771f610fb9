package dev.sluice.dispatch;

import dev.sluice.job.Fence;
import dev.sluice.job.JobRepository;
import dev.sluice.job.PolledJob;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.NodeIdentity;
import dev.sluice.runtime.Pass;
import dev.sluice.upstream.PollResult;
import dev.sluice.upstream.UpstreamException;
import dev.sluice.upstream.Upstreams;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Follows submitted jobs through the upstream's queue. Each pass leases the due polls (SKIP
 * LOCKED, so instances share them), asks the upstream on virtual threads with no transaction open,
 * and writes each answer fenced by the poll lease: a snapshot row and the next poll time, the
 * result, or a retry. No poll state lives only in memory: a poller that dies leaves leases that
 * expire, and the next pass of any instance polls those jobs again. Runs where
 * {@code sluice.dispatch.enabled} is true.
 */
@Component
class UpstreamPoller implements Background {

    private static final Logger log = LoggerFactory.getLogger(UpstreamPoller.class);

    private final JobRepository jobs;
    private final Upstreams upstreams;
    private final Retries retries;
    private final PollProperties properties;
    private final NodeIdentity node;
    private final LeaseKeeper leases;
    private final SuccessWriter outcomes;
    private final SluiceMetrics metrics;
    private final Clock clock;
    private final Semaphore slots;
    private final DispatchProperties dispatch;
    private final Loop loop = new Loop("sluice-poller", this::runOnce);
    private final ExecutorService pollers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("sluice-poller-", 0).factory());

    UpstreamPoller(
            JobRepository jobs,
            Upstreams upstreams,
            Retries retries,
            PollProperties properties,
            DispatchProperties dispatch,
            NodeIdentity node,
            LeaseKeeper leases,
            SuccessWriter outcomes,
            SluiceMetrics metrics,
            Clock clock) {
        this.jobs = jobs;
        this.upstreams = upstreams;
        this.retries = retries;
        this.properties = properties;
        this.dispatch = dispatch;
        this.node = node;
        this.leases = leases;
        this.outcomes = outcomes;
        this.metrics = metrics;
        this.clock = clock;
        this.slots = new Semaphore(properties.maxConcurrent());
    }

    /** Leases the due polls there is room for and starts them; says how many. */
    public Pass runOnce() {
        int room = Math.min(properties.batchSize(), slots.availablePermits());
        if (room == 0 || !slots.tryAcquire(room)) {
            return Pass.idle(properties.idleWait());
        }
        List<PolledJob> due;
        try {
            Instant now = clock.instant();
            due = jobs.claimDuePolls(node.id(), now, now.plus(properties.lease()), node.deadBefore(now), room);
        } catch (RuntimeException e) {
            slots.release(room);
            throw e;
        }
        slots.release(room - due.size());
        for (PolledJob job : due) {
            leases.holdPoll(job.fence());
            pollers.execute(() -> {
                try {
                    poll(job);
                } catch (RuntimeException e) {
                    log.error(
                            "job {}: poll failed unexpectedly; its poll lease will expire and it is polled again",
                            job.id(),
                            e);
                } finally {
                    leases.releasePoll(job.fence());
                    slots.release();
                }
            });
        }
        return due.isEmpty() ? Pass.idle(properties.idleWait()) : Pass.busy(due.size());
    }

    void poll(PolledJob job) {
        Fence fence = job.fence();
        try {
            PollResult result = upstreams.get(job.upstream()).poll(job.upstreamRequestId());
            Instant now = clock.instant();
            switch (result) {
                case PollResult.Pending p -> {
                    metrics.poll(job.upstream(), "pending");
                    boolean written = jobs.recordPoll(fence, p.snapshot(), now.plus(p.pollAfter()), now);
                    if (written && p.snapshot().showsRunning() && !job.started() && job.submittedAt() != null) {
                        metrics.upstreamWait(job.upstream(), Duration.between(job.submittedAt(), now));
                    }
                }
                case PollResult.Completed c -> {
                    metrics.poll(job.upstream(), "completed");
                    if (outcomes.succeeded(job.upstream(), fence, c.resultJson(), null, now)) {
                        metrics.finished(job.upstream(), "succeeded");
                    }
                }
                case PollResult.Failed f -> {
                    metrics.poll(job.upstream(), "failed");
                    String error = "upstream error (category " + f.category() + "): " + f.error();
                    if (f.retryable()) {
                        retries.retryOrFail(fence, job.attempt(), job.maxAttempts(), error, true);
                    } else {
                        if (jobs.markFailed(fence, error, now)) {
                            metrics.finished(job.upstream(), "failed");
                        }
                    }
                }
                case PollResult.Lost l -> {
                    metrics.poll(job.upstream(), "lost");
                    retries.retryOrFail(
                            fence,
                            job.attempt(),
                            job.maxAttempts(),
                            "upstream lost the request (410: " + l.detail() + "); re-sending it with the same seq_id",
                            false);
                }
            }
        } catch (UpstreamException.RateLimited | UpstreamException.Retryable e) {
            metrics.poll(job.upstream(), "error");
            Instant now = clock.instant();
            jobs.recordPollError(
                    fence,
                    e.httpStatus(),
                    JobDispatcher.describe(e),
                    now.plus(errorBackoff(job.pollErrors() + 1)),
                    now);
        } catch (UpstreamException.Permanent e) {
            metrics.poll(job.upstream(), "error");
            if (Integer.valueOf(404).equals(e.httpStatus())) {
                // The upstream no longer knows the id: send the same request again (same key).
                retries.retryOrFail(fence, job.attempt(), job.maxAttempts(), JobDispatcher.describe(e), false);
            } else {
                jobs.markFailed(fence, JobDispatcher.describe(e), clock.instant());
            }
        } catch (UpstreamException e) {
            throw new IllegalStateException("unknown upstream failure kind " + e.getClass(), e);
        }
    }

    /** min(2^n s, max): the wait after the n-th failed poll in a row. */
    Duration errorBackoff(int failures) {
        Duration d = Duration.ofSeconds(1L << Math.min(failures, 20));
        return d.compareTo(properties.maxErrorBackoff()) > 0 ? properties.maxErrorBackoff() : d;
    }

    @Override
    public List<Loop> loops() {
        return dispatch.onlyWhereEnabled(loop);
    }

    @Override
    public Duration shutdownGrace() {
        return dispatch.shutdownGrace();
    }

    /** Waits up to {@code grace} for the polls under way. */
    @Override
    public boolean finish(Duration grace) throws InterruptedException {
        pollers.shutdown();
        return pollers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    }
}
