package dev.sluice.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The counters and timers the hot paths record. Each is a map lookup and an add: no I/O.
 *
 * <ul>
 *   <li>{@code sluice_job_queue_wait_seconds{upstream,priority}}: created to first claim, a
 *       histogram (Prometheus buckets), recorded at the claim;
 *   <li>{@code sluice_job_upstream_wait_seconds{upstream}}: sent to the first snapshot showing
 *       the request running, recorded at that poll;
 *   <li>{@code sluice_claim_seconds{upstream,quantile}}: each claim statement, p50 and p99;
 *   <li>{@code sluice_upstream_submissions_total{upstream,outcome}}: each send, by outcome
 *       (accepted, completed, rate_limited, retryable, permanent);
 *   <li>{@code sluice_jobs_finished_total{upstream,state}}: succeeded or failed here;
 *   <li>{@code sluice_polls_total{upstream,outcome}}: pending, completed, failed, lost, error;
 *   <li>{@code sluice_callback_deliveries_total{outcome}}: delivered, retry, failed.
 * </ul>
 */
@Component
public class SluiceMetrics {

    private static final Duration MIN_WAIT = Duration.ofMillis(1);
    private static final Duration MAX_WAIT = Duration.ofHours(24);

    private final MeterRegistry registry;
    /** Meters made once per name and tags: the hot paths look them up, never build them again. */
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

    public SluiceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void queueWait(String upstream, String priority, Duration wait) {
        waitHistogram(
                        "sluice.job.queue.wait",
                        "Time from enqueue to first claim",
                        "upstream",
                        upstream,
                        "priority",
                        priority)
                .record(positive(wait));
    }

    public void upstreamWait(String upstream, Duration wait) {
        waitHistogram(
                        "sluice.job.upstream.wait",
                        "Time from sending a request to the first snapshot showing it running",
                        "upstream",
                        upstream)
                .record(positive(wait));
    }

    /** A wait timer with Prometheus histogram buckets from 1 ms to 24 h, made once per tags. */
    private Timer waitHistogram(String name, String description, String... tags) {
        return timers.computeIfAbsent(
                key(name, tags),
                k -> Timer.builder(name)
                        .description(description)
                        .tags(tags)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(MIN_WAIT)
                        .maximumExpectedValue(MAX_WAIT)
                        .register(registry));
    }

    /** How long one claim statement took, with its p50 and p99 published (bench/run.sh reads them). */
    public void claim(String upstream, long nanos) {
        timers.computeIfAbsent(
                        key("sluice.claim", "upstream", upstream),
                        k -> Timer.builder("sluice.claim")
                                .description(
                                        "One claim statement: select, lock, update and history insert of up to a batch of jobs")
                                .tags("upstream", upstream)
                                .publishPercentiles(0.5, 0.99)
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    public void submission(String upstream, String outcome) {
        counter("sluice.upstream.submissions", "upstream", upstream, "outcome", outcome);
    }

    public void finished(String upstream, String state) {
        counter("sluice.jobs.finished", "upstream", upstream, "state", state);
    }

    public void poll(String upstream, String outcome) {
        counter("sluice.polls", "upstream", upstream, "outcome", outcome);
    }

    public void callbackDelivery(String outcome) {
        counter("sluice.callback.deliveries", "outcome", outcome);
    }

    private void counter(String name, String... tags) {
        counters.computeIfAbsent(
                        key(name, tags), k -> Counter.builder(name).tags(tags).register(registry))
                .increment();
    }

    private static List<String> key(String name, String... tags) {
        List<String> key = new ArrayList<>(tags.length + 1);
        key.add(name);
        key.addAll(Arrays.asList(tags));
        return key;
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
