package dev.sluice.callback;

import dev.sluice.dispatch.DispatchProperties;
import dev.sluice.job.Job;
import dev.sluice.job.JobRepository;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.project.Projects;
import dev.sluice.runtime.Background;
import dev.sluice.runtime.Backoff;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.NodeIdentity;
import dev.sluice.runtime.Pass;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Delivers due callbacks: leases them (SKIP LOCKED, so instances share them), POSTs each on a
 * virtual thread with no transaction open, signed, through {@link CallbackPoster} (public hosts
 * only, a bounded read, one deadline inside the lease), and records the attempt fenced by the
 * lease. A 2xx answer delivers it; anything else is tried again after exponential backoff with jitter, up
 * to {@code sluice.callbacks.max-attempts}. Delivery is at least once: a sender that dies after the
 * receiver answered but before it recorded that leaves a lease that expires, and the callback is
 * sent again with the same {@code X-Sluice-Delivery} id, by which a receiver can drop the repeat.
 */
@Component
class CallbackSender implements Background {

    private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);

    private final CallbackRepository deliveries;
    private final JobRepository jobs;
    private final CallbackProperties properties;
    private final NodeIdentity node;
    private final ObjectMapper json;
    private final SluiceMetrics metrics;
    private final Clock clock;
    private final Backoff backoff;
    private final CallbackPoster poster;
    private final Semaphore slots;
    private final DispatchProperties dispatch;
    private final Loop loop = new Loop("sluice-callback-sender", this::runOnce);
    private final ExecutorService senders = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("sluice-callback-", 0).factory());

    private final Projects projects;

    CallbackSender(
            CallbackRepository deliveries,
            JobRepository jobs,
            CallbackProperties properties,
            DispatchProperties dispatch,
            NodeIdentity node,
            ObjectMapper json,
            SluiceMetrics metrics,
            CallbackTargets targets,
            Projects projects,
            Clock clock) {
        this.deliveries = deliveries;
        this.projects = projects;
        this.jobs = jobs;
        this.properties = properties;
        this.dispatch = dispatch;
        this.metrics = metrics;
        this.node = node;
        this.json = json;
        this.clock = clock;
        this.backoff = new Backoff(properties.retryBaseDelay(), properties.retryMaxDelay());
        this.poster = new CallbackPoster(targets, properties);
        this.slots = new Semaphore(properties.maxConcurrent());
    }

    /** Leases the due deliveries there is room for and starts them; says how many. */
    public Pass runOnce() {
        int room = Math.min(properties.batchSize(), slots.availablePermits());
        if (room == 0 || !slots.tryAcquire(room)) {
            return Pass.idle(properties.idleWait());
        }
        List<CallbackRepository.Due> due;
        try {
            Instant now = clock.instant();
            due = deliveries.claimDue(node.id(), now, now.plus(properties.lease()), room);
        } catch (RuntimeException e) {
            slots.release(room);
            throw e;
        }
        slots.release(room - due.size());
        for (CallbackRepository.Due d : due) {
            senders.execute(() -> {
                try {
                    deliver(d);
                } catch (RuntimeException e) {
                    log.error(
                            "callback {} of job {}: failed unexpectedly; its lease will expire and it is sent again",
                            d.id(),
                            d.jobId(),
                            e);
                } finally {
                    slots.release();
                }
            });
        }
        return due.isEmpty() ? Pass.idle(properties.idleWait()) : Pass.busy(due.size());
    }

    void deliver(CallbackRepository.Due due) {
        Job job = jobs.findById(due.jobId()).orElse(null);
        Instant started = clock.instant();
        if (job == null) {
            deliveries.recordAttempt(due, "failed", started, null, "the job no longer exists", null, 0, started);
            return;
        }
        // One deadline for the whole attempt, well inside the lease, so that no other instance
        // takes the delivery over (and sends it again) while this attempt may still be sending.
        Instant deadline = min(
                started.plus(properties.timeout()),
                due.leaseUntil().minus(CallbackProperties.leaseMargin(properties.lease())));
        Duration budget = Duration.between(started, deadline);
        CallbackPoster.Answer answer;
        long t0 = System.nanoTime();
        if (budget.toMillis() < 1) {
            answer = new CallbackPoster.Answer(
                    null, null, "not sent: the lease was nearly over before the attempt began");
        } else {
            byte[] body = body(job, due);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("X-Sluice-Delivery", Long.toString(due.id()));
            headers.put("X-Sluice-Job", Long.toString(job.id()));
            // The job's project's own secret, else the server's; never sent unsigned.
            String secret =
                    projects.callbackSecret(job.projectId()).orElse(properties.signing() ? properties.secret() : null);
            if (secret == null) {
                deliveries.recordAttempt(
                        due,
                        "failed",
                        started,
                        null,
                        "not sent: no secret to sign it with (the project's callback_secret was cleared and"
                                + " sluice.callbacks.secret is not set)",
                        null,
                        0,
                        started);
                return;
            }
            headers.put(
                    "X-Sluice-Signature",
                    CallbackSigner.header(secret, clock.instant().getEpochSecond(), body));
            answer = poster.post(URI.create(due.url()), headers, body, budget);
        }
        int ms = (int) ((System.nanoTime() - t0) / 1_000_000);
        Instant now = clock.instant();
        int attempt = due.attempts() + 1;
        String state =
                answer.error() == null ? "delivered" : attempt >= properties.maxAttempts() ? "failed" : "pending";
        Instant next = "pending".equals(state) ? now.plus(backoff.before(attempt)) : now;
        if (deliveries.recordAttempt(
                due, state, started, answer.status(), answer.error(), answer.bodyPrefix(), ms, next)) {
            metrics.callbackDelivery("pending".equals(state) ? "retry" : state);
        } else {
            log.info("callback {}: attempt outcome fenced out (its lease was taken over)", due.id());
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** The job as it finished: what a receiver needs without calling back. */
    private byte[] body(Job job, CallbackRepository.Due due) {
        ObjectNode b = json.createObjectNode();
        b.put("delivery_id", due.id());
        b.put("id", job.id());
        b.put("batch_id", job.batchId());
        b.put("custom_id", job.customId());
        b.put("upstream", job.upstream());
        b.put("state", job.state().wireName());
        b.put("attempts", job.attempts());
        b.put("created_at", String.valueOf(job.createdAt()));
        b.put("finished_at", job.finishedAt() == null ? null : job.finishedAt().toString());
        b.set("result", job.result() == null ? null : json.readTree(job.result()));
        b.put("error", job.error());
        return json.writeValueAsBytes(b);
    }

    /** Deliveries are sent where {@code sluice.dispatch.enabled} is true. */
    @Override
    public List<Loop> loops() {
        return dispatch.onlyWhereEnabled(loop);
    }

    @Override
    public Duration shutdownGrace() {
        return dispatch.shutdownGrace();
    }

    /** Waits up to {@code grace} for the deliveries under way, then closes the HTTP client. */
    @Override
    public boolean finish(Duration grace) throws InterruptedException {
        senders.shutdown();
        boolean finished = senders.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        try {
            poster.close();
        } catch (java.io.IOException e) {
            log.warn("closing the callback HTTP client failed", e);
        }
        return finished;
    }
}
