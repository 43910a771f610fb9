package dev.sluice.dispatch;

import dev.sluice.runtime.Backoff;
import dev.sluice.runtime.Worker;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Wakes this instance's idle claimers when any instance announces enqueued jobs
 * ({@link EnqueueNotifier}): one connection, held for this, LISTENs on the channel. If the
 * connection is lost it is opened again, and the claimers are woken once, since announcements made
 * in between were missed. Only on instances that dispatch.
 */
@Component
class EnqueueListener extends Worker {

    private static final Logger log = LoggerFactory.getLogger(EnqueueListener.class);
    private static final int WAIT_MILLIS = 500;

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));

    private final DataSource dataSource;
    private final ClaimSignals signals;
    private final DispatchProperties dispatch;

    EnqueueListener(DataSource dataSource, ClaimSignals signals, DispatchProperties dispatch) {
        super("sluice-enqueue-listener", Duration.ofMillis(WAIT_MILLIS * 4L));
        this.dataSource = dataSource;
        this.signals = signals;
        this.dispatch = dispatch;
    }

    @Override
    protected boolean enabled() {
        return dispatch.enabled();
    }

    @Override
    protected void work() {
        int failures = 0;
        while (running()) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement s = connection.createStatement()) {
                    s.execute("LISTEN " + EnqueueNotifier.CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                failures = 0;
                signals.wakeAll();
                while (running()) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            signals.wake(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running()) {
                    return;
                }
                Duration pause = BACKOFF.before(++failures);
                log.warn("listening for enqueued jobs failed; trying again in {}", pause, e);
                if (!sleep(pause)) {
                    return;
                }
            }
        }
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
