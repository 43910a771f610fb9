package dev.sluice.dispatch;

import dev.sluice.job.JobsEnqueued;
import dev.sluice.runtime.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
 * <p>The request path only marks the upstream; one thread sends the notifications, so enqueues
 * that arrive while a NOTIFY is under way, or within 5 ms after it, share the next one. A NOTIFY
 * takes a cluster-wide lock as it commits: one per enqueue would serialize thousands of enqueues a
 * second on it.
 */
@Component
public class EnqueueNotifier extends Worker {

    /** The channel {@link EnqueueListener} listens on. */
    public static final String CHANNEL = "sluice_enqueued";

    private static final Logger log = LoggerFactory.getLogger(EnqueueNotifier.class);
    private static final Duration SPACING = Duration.ofMillis(5);

    private final JdbcClient jdbc;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Semaphore marked = new Semaphore(0);

    EnqueueNotifier(JdbcClient jdbc) {
        super("sluice-enqueue-notifier", Duration.ofSeconds(5));
        this.jdbc = jdbc;
    }

    @EventListener
    void onEnqueued(JobsEnqueued event) {
        pending.addAll(event.upstreams());
        marked.release();
    }

    @Override
    protected void work() {
        while (running()) {
            try {
                if (!marked.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                marked.drainPermits();
                List<String> upstreams = List.copyOf(pending);
                pending.removeAll(upstreams);
                send(upstreams);
                // Enqueues of the next few milliseconds share the next NOTIFY: at most about 200 a
                // second, whatever the enqueue rate, for a few ms more of a remote claimer's wait.
                Thread.sleep(SPACING);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void send(List<String> upstreams) {
        if (upstreams.isEmpty()) {
            return;
        }
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
}
