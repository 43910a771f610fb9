package dev.sluice.dispatch;

import dev.sluice.job.ClaimedJob;
import dev.sluice.job.Fence;
import dev.sluice.job.JobRepository;
import dev.sluice.job.SubmitKey;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.pause.Pause;
import dev.sluice.pause.Pauses;
import dev.sluice.upstream.Submission;
import dev.sluice.upstream.Upstream;
import dev.sluice.upstream.UpstreamException;
import dev.sluice.upstream.Upstreams;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends claimed jobs upstream, one virtual thread each, with no transaction open, and writes each
 * outcome fenced by lease owner and attempt: a success in a group, by the {@link SuccessWriter},
 * any other outcome in its own short statement. Any failure here leaves the job claimed under a
 * lease that expires, so the {@link LeaseRescuer} brings it back: nothing is lost.
 */
@Component
class JobDispatcher {

    private static final Logger log = LoggerFactory.getLogger(JobDispatcher.class);

    private final JobRepository jobs;
    private final Upstreams upstreams;
    private final UpstreamGates gates;
    private final ClaimSignals signals;
    private final Retries retries;
    private final LeaseKeeper leases;
    private final SuccessWriter outcomes;
    private final Pauses pauses;
    private final SluiceMetrics metrics;
    private final Clock clock;
    private volatile boolean stopping;
    /** How often a job's model moment is taken again when the upstream's made it late. */
    private static final int MAX_SLOT_TRIES = 5;
    /** A job whose model's day is used up goes back to the queue for this long, at least. */
    private static final Duration DAY_FULL_WAIT = Duration.ofMinutes(1);

    private final ExecutorService senders = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("sluice-sender-", 0).factory());
    /** Successes handed to the writer and not yet written: their jobs are not done. */
    private final PendingWrites writes = new PendingWrites();

    /** Where a job's sending left it. */
    private enum After {
        /** Not sent, still counted in the lead (deferred, failed, or handed back). */
        IN_LEAD,
        /** Sent, and its outcome written. */
        DONE,
        /** Sent, and its success handed to the writer: the job is done when that is written. */
        WRITING
    }

    JobDispatcher(
            JobRepository jobs,
            Upstreams upstreams,
            UpstreamGates gates,
            ClaimSignals signals,
            Retries retries,
            LeaseKeeper leases,
            SuccessWriter outcomes,
            Pauses pauses,
            SluiceMetrics metrics,
            Clock clock) {
        this.pauses = pauses;
        this.jobs = jobs;
        this.upstreams = upstreams;
        this.gates = gates;
        this.signals = signals;
        this.retries = retries;
        this.leases = leases;
        this.outcomes = outcomes;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Sends the job on its own virtual thread; its in-flight slot is given back when it is done:
     * when its outcome is written. A success is written with others by the {@link SuccessWriter},
     * and the thread ends without waiting for it. Token permits are reserved here, on the
     * claimer's thread, so jobs reserve them in claim (priority) order.
     */
    void dispatch(ClaimedJob job) {
        if (job.firstClaim()) {
            metrics.queueWait(
                    job.upstream(), job.priority().wireName(), Duration.between(job.createdAt(), clock.instant()));
        }
        // The session is resolved here, on the claimer's thread, so that nothing slow stands
        // between a job's rate-limit permit and its POST: making a session the first time holds
        // back this upstream's next claims, instead of letting claimed jobs pile up behind it and
        // then go out together, a burst over the limit. Once made, it is a cache read.
        String session = null;
        UpstreamException sessionFailure = null;
        try {
            session = upstreams.get(job.upstream()).sessionFor(job);
        } catch (UpstreamException e) {
            sessionFailure = e;
        }
        UpstreamGate gate = gates.get(job.upstream());
        // A job its upstream's token limit can never let through (the limit was lowered after it
        // was enqueued) takes no permits; send() fails it.
        ModelGate model = gate.model(job.model());
        boolean neverFits =
                gate.neverGrants(job.tokenCount()) || (model != null && model.neverGrants(job.tokenCount()));
        Duration tokenWait = neverFits
                ? null
                : longer(
                        gate.reserveTokens(job.tokenCount()),
                        model == null ? Duration.ZERO : model.reserveTokens(job.tokenCount()));
        if (model != null) {
            model.joinedLead();
        }
        Prepared prepared = new Prepared(session, sessionFailure, tokenWait, neverFits, model);
        leases.holdClaim(job.fence());
        senders.execute(() -> {
            boolean writing = false;
            try {
                writing = send(job, prepared);
            } catch (RuntimeException e) {
                // The loop boundary: a database or programming error. The job keeps its lease,
                // which expires and is rescued.
                log.error("job {}: sending failed unexpectedly; its lease will expire and be rescued", job.id(), e);
            } finally {
                if (!writing) {
                    done(job);
                }
            }
        });
    }

    /** The job's lease is no longer kept here, and its in-flight slot is free. */
    private void done(ClaimedJob job) {
        leases.releaseClaim(job.fence());
        gates.get(job.upstream()).releaseSlots(1);
        signals.wake(job.upstream());
    }

    /** What the claimer's thread settled for a job before handing it over. */
    private record Prepared(
            String session, UpstreamException sessionFailure, Duration tokenWait, boolean neverFits, ModelGate model) {}

    /** The longer of two waits; null (never within the limit) when either is. */
    private static Duration longer(Duration a, Duration b) {
        return a == null || b == null ? null : (a.compareTo(b) >= 0 ? a : b);
    }

    /** Sends the job; true when it is done only once its success is written. */
    private boolean send(ClaimedJob job, Prepared prepared) {
        UpstreamGate gate = gates.get(job.upstream());
        After after = After.IN_LEAD;
        try {
            after = sendFromLead(job, prepared, gate);
        } finally {
            if (after == After.IN_LEAD) {
                leaveLead(job, gate, prepared.model());
            }
        }
        return after == After.WRITING;
    }

    /** The job leaves the lead (just before its POST, or handed back); the claimer tops it up at half. */
    private void leaveLead(ClaimedJob job, UpstreamGate gate, ModelGate model) {
        if (model != null) {
            model.leftLead();
        }
        if (gate.leftLead() || model != null) {
            signals.wake(job.upstream());
        }
    }

    /**
     * Waits for the job's moment, then sends it; returns where that left it (it leaves the lead
     * just before the POST).
     */
    private After sendFromLead(ClaimedJob job, Prepared prepared, UpstreamGate gate) {
        Upstream upstream = upstreams.get(job.upstream());
        Fence fence = job.fence();
        Duration tokenWait = prepared.tokenWait();
        ModelGate model = prepared.model();
        if (prepared.neverFits()) {
            String why = "token_count " + job.tokenCount() + " is more than the tokens-per-minute limit of upstream '"
                    + job.upstream() + "' (" + gate.tokensPerMinute() + ")"
                    + (model == null ? "" : " or a per-minute or per-day limit of its model '" + model.model() + "'")
                    + ": it could never be sent";
            if (jobs.markFailed(fence, why, clock.instant())) {
                metrics.finished(job.upstream(), "failed");
            }
            return After.IN_LEAD;
        }
        if (tokenWait == null) {
            retries.defer(job, "not now: the token budget could not cover its tokens within the wait limit", null);
            return After.IN_LEAD;
        }
        try {
            if (!tokenWait.isZero()) {
                sleep(tokenWait);
            }
            if (prepared.sessionFailure() != null) {
                throw prepared.sessionFailure();
            }
            long slot = awaitSlots(gate, model);
            if (slot < 0 || stopping) {
                // Past the lead's time bound, or this instance is stopping: back to the queue
                // unsent (on stop, the hand-back returns it with its attempt).
                if (!stopping) {
                    retries.defer(job, "not now: no send slot within the lead", null);
                }
                return After.IN_LEAD;
            }
            Duration paused = gate.pausedFor();
            if (paused.isPositive()) {
                retries.defer(job, "not now: upstream '" + job.upstream() + "' asked us to wait", paused);
                return After.IN_LEAD;
            }
            if (model != null && model.pausedFor().isPositive()) {
                retries.defer(
                        job,
                        "not now: model '" + model.model() + "' of upstream '" + job.upstream() + "' asked us to wait",
                        model.pausedFor());
                return After.IN_LEAD;
            }
            if (model != null && !model.takeDay(job.tokenCount())) {
                retries.defer(
                        job,
                        "not now: model '" + model.model() + "' of upstream '" + job.upstream()
                                + "' has sent its share of its per-day limit over the last 24 hours",
                        DAY_FULL_WAIT);
                return After.IN_LEAD;
            }
            Optional<Pause> pause = pauses.stopping(job.upstream(), job.model());
            if (pause.isPresent()) {
                // Paused by an operator while this job waited in the lead: back to the queue.
                retries.defer(job, "not now: " + describe(pause.get()), null);
                return After.IN_LEAD;
            }
            SubmitKey key = prepared.session() == null ? null : job.submitKey(prepared.session());
            if (!upstream.recognisesResends() && !jobs.markSending(fence, clock.instant())) {
                return After.IN_LEAD; // fenced out: cancelled or rescued meanwhile
            }
            while (RequestPacer.isLate(slot)) {
                // The write above stalled past the moment: sending now could bunch with the
                // jobs whose moments came meanwhile. Take a fresh one.
                slot = awaitSlots(gate, model);
                if (slot < 0) {
                    retries.defer(job, "not now: no send slot within the lead", null);
                    return After.IN_LEAD;
                }
            }
            leaveLead(job, gate, model);
            return submit(job, prepared, gate, upstream, key) ? After.WRITING : After.DONE;
        } catch (UpstreamException e) {
            // Only the session's failure gets here: the job was not sent.
            handle(job, gate, e);
            return After.IN_LEAD;
        }
    }

    /**
     * The job's moment under its model's pacer and its upstream's, or -1 when either has none
     * within the lead's time bound. The model's moment is taken first, then the upstream's; one
     * gone stale while waiting for the other is taken again (a few times at most), so neither
     * pacer sees jobs bunched. Without a model of its own, the upstream's moment alone.
     */
    private static long awaitSlots(UpstreamGate gate, ModelGate model) {
        try {
            if (model == null) {
                return gate.awaitSendSlot();
            }
            long modelSlot = model.awaitSendSlot();
            long slot = modelSlot < 0 ? -1 : gate.awaitSendSlot();
            // Whichever moment has gone stale while waiting for the other is taken again.
            for (int tries = 0; slot >= 0 && tries < MAX_SLOT_TRIES; tries++) {
                if (RequestPacer.isLate(modelSlot)) {
                    modelSlot = model.awaitSendSlot();
                    slot = modelSlot < 0 ? -1 : slot;
                } else if (RequestPacer.isLate(slot)) {
                    slot = gate.awaitSendSlot();
                } else {
                    break;
                }
            }
            return slot;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a send slot", e);
        }
    }

    /** Sends the job and settles its outcome; true when its success was handed to the writer. */
    private boolean submit(ClaimedJob job, Prepared prepared, UpstreamGate gate, Upstream upstream, SubmitKey key) {
        Fence fence = job.fence();
        try {
            Instant sentAt = clock.instant();
            switch (upstream.submit(job, key)) {
                case Submission.Completed c -> {
                    if (c.observed() != null) {
                        jobs.recordObservation(job.id(), job.attempt(), c.observed(), clock.instant());
                    }
                    gate.admitByBudget(c.moreThatFit());
                    if (c.pauseFor() != null) {
                        gate.pause(c.pauseFor());
                    }
                    metrics.submission(job.upstream(), "completed");
                    CompletableFuture<Boolean> written =
                            outcomes.handOver(job.upstream(), fence, c.resultJson(), sentAt, clock.instant());
                    writes.started();
                    written.whenComplete((moved, failure) -> {
                        try {
                            if (failure != null) {
                                log.error(
                                        "job {}: writing its success failed; its lease will expire and be rescued",
                                        job.id(),
                                        failure);
                            } else if (moved) {
                                metrics.finished(job.upstream(), "succeeded");
                            }
                        } finally {
                            done(job);
                            writes.finished();
                        }
                    });
                    return true;
                }
                case Submission.Accepted a -> {
                    metrics.submission(job.upstream(), "accepted");
                    jobs.markSubmitted(
                            fence,
                            a.requestId(),
                            prepared.session(),
                            sentAt,
                            clock.instant().plus(a.pollAfter()),
                            clock.instant());
                    return false;
                }
            }
        } catch (UpstreamException e) {
            handle(job, gate, e);
            return false;
        }
    }

    private void handle(ClaimedJob job, UpstreamGate gate, UpstreamException failure) {
        Fence fence = job.fence();
        switch (failure) {
            case UpstreamException.RateLimited e -> {
                metrics.submission(job.upstream(), "rate_limited");
                // A refusal that names the job's model (Groq's: "Rate limit reached for model `m`
                // ... on tokens per day (TPD) ... try again in 9m38.016s") pauses that model only.
                if (!(namesModel(e, job.model()) && gate.pauseModel(job.model(), e.retryAfter()))) {
                    gate.pause(e.retryAfter());
                }
                if (e.observed() != null && job.deferrals() == 0) {
                    // What the first refusal said of the budget; the repeats are counted, not stored.
                    jobs.recordObservation(job.id(), job.attempt(), e.observed(), clock.instant());
                }
                retries.defer(job, "not now: " + describe(e), e.retryAfter());
            }
            case UpstreamException.Retryable e -> {
                metrics.submission(job.upstream(), "retryable");
                // The upstream may have taken it (a timeout): the re-send keeps the key and is recognised.
                retries.retryOrFail(fence, job.attempt(), job.maxAttempts(), describe(e), false);
            }
            case UpstreamException.Permanent e -> {
                metrics.submission(job.upstream(), "permanent");
                if (jobs.markFailed(fence, describe(e), clock.instant())) {
                    metrics.finished(job.upstream(), "failed");
                }
            }
        }
    }

    /** Whether the refusal names this model (as Groq's do: "for model `llama-3.1-8b-instant`"). */
    static boolean namesModel(UpstreamException e, String model) {
        return model != null && e.getMessage() != null && e.getMessage().contains("model `" + model + "`");
    }

    private static String describe(Pause p) {
        return (p.model() == null
                        ? "upstream '" + p.upstream() + "'"
                        : "model '" + p.model() + "' of '" + p.upstream() + "'")
                + " is paused" + (p.reason() == null ? "" : " (" + p.reason() + ")");
    }

    static String describe(UpstreamException e) {
        return e.httpStatus() == null ? e.getMessage() : "HTTP " + e.httpStatus() + ": " + e.getMessage();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for token permits", e);
        }
    }

    /**
     * Stops taking jobs and waits up to {@code grace} for those being sent and for their successes
     * to be written; jobs still waiting in the lead for their moment are not sent (the hand-back
     * returns them to the queue).
     */
    boolean shutdown(Duration grace) throws InterruptedException {
        stopping = true;
        senders.shutdown();
        long deadline = System.nanoTime() + grace.toNanos();
        // Every sender has handed its success over once the senders have ended.
        return senders.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)
                && writes.awaitNone(Duration.ofNanos(deadline - System.nanoTime()));
    }
}
