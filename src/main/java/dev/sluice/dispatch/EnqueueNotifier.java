package dev.sluice.dispatch;

import dev.sluice.job.JobsEnqueued;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
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
 * that arrive while a NOTIFY is under way share the next one. A NOTIFY takes a cluster-wide lock
 * as it commits: one per enqueue would serialize thousands of enqueues a second on it.
 */
@Component
public class EnqueueNotifier implements SmartLifecycle {

    /** The channel {@link EnqueueListener} listens on. */
    public static final String CHANNEL = "sluice_enqueued";

    private static final Logger log = LoggerFactory.getLogger(EnqueueNotifier.class);

    private final JdbcClient jdbc;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Semaphore work = new Semaphore(0);
    private volatile boolean running;
    private Thread sender;

    EnqueueNotifier(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventListener
    void onEnqueued(JobsEnqueued event) {
        pending.addAll(event.upstreams());
        work.release();
    }

    private void run() {
        while (running) {
            try {
                if (!work.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                work.drainPermits();
                List<String> upstreams = List.copyOf(pending);
                pending.removeAll(upstreams);
                send(upstreams);
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

    @Override
    public synchronized void start() {
        running = true;
        sender = Thread.ofPlatform().name("sluice-enqueue-notifier").daemon().start(this::run);
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (sender != null) {
            try {
                sender.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sender = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
