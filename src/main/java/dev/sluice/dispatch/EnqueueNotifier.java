package dev.sluice.dispatch;

import dev.sluice.job.JobsEnqueued;
import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.Pass;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Tells every instance that jobs were enqueued, with a PostgreSQL NOTIFY on {@link #CHANNEL} (the
 * payload is the upstream), so an idle claimer anywhere wakes at once instead of at its next look
 * ({@code sluice.dispatch.idle-wait}). Jobs are announced after their transaction has committed,
 * so the instance that wakes finds them.
 *
 * <p>The request path only marks the upstream and wakes this loop, which sends the notifications:
 * enqueues that arrive while a NOTIFY is under way, or within 5 ms after it, share the next one. A
 * NOTIFY takes a cluster-wide lock as it commits: one per enqueue would serialize thousands of
 * enqueues a second on it.
 */
@Component
class EnqueueNotifier implements Background {

    /** The channel {@link EnqueueListener} listens on. */
    public static final String CHANNEL = "sluice_enqueued";

    private static final Logger log = LoggerFactory.getLogger(EnqueueNotifier.class);
    private static final Duration SPACING = Duration.ofMillis(5);
    /** The loop is woken at each enqueue; this only bounds a missed wake-up. */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Loop loop = new Loop("sluice-enqueue-notifier", this::runOnce);
    private volatile Instant lastSent = Instant.MIN;

    EnqueueNotifier(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @EventListener
    void onEnqueued(JobsEnqueued event) {
        // Wakes the loop only when an upstream is newly marked: one already pending is in the next
        // NOTIFY anyway (it is sent after the mark is taken), so a stream of enqueues does not wake
        // the loop at each one while it spaces its notifications.
        if (pending.addAll(event.upstreams())) {
            loop.wake();
        }
    }

    /**
     * Announces the upstreams marked since the last NOTIFY, unless that was under 5 ms ago: then it
     * waits out the rest, and the enqueues of those milliseconds share the next one (at most about
     * 200 a second, whatever the enqueue rate, for a few ms more of a remote claimer's wait).
     */
    public Pass runOnce() {
        Instant now = clock.instant();
        Duration sinceLast = Duration.between(lastSent, now.isBefore(lastSent) ? lastSent : now);
        if (sinceLast.compareTo(SPACING) < 0) {
            return Pass.idle(SPACING.minus(sinceLast));
        }
        List<String> upstreams = List.copyOf(pending);
        if (upstreams.isEmpty()) {
            return Pass.idle(IDLE_WAIT);
        }
        pending.removeAll(upstreams);
        send(upstreams);
        lastSent = now;
        return Pass.after(upstreams.size(), SPACING);
    }

    private void send(List<String> upstreams) {
        try {
            jdbc.sql("SELECT pg_notify('" + CHANNEL + "', u) FROM unnest(CAST(:upstreams AS text[])) u")
                    .param("upstreams", upstreams.toArray(String[]::new))
                    .query()
                    .listOfRows();
        } catch (RuntimeException e) {
            // Not lost work: the jobs are queued, and claimers look on their own every idle-wait.
            log.warn(
                    "could not announce jobs enqueued for {}; other instances find them at their next look",
                    upstreams,
                    e);
        }
    }

    @Override
    public List<Loop> loops() {
        return List.of(loop);
    }
}
