package dev.sluice.dispatch;

import dev.sluice.pause.Pauses;
import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.Pass;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Wakes this instance's idle claimers when any instance announces enqueued jobs
 * ({@link EnqueueNotifier}) or a pause or resume ({@link Pauses#CHANNEL}, which also makes it
 * read the pauses again): one connection, held for this, LISTENs on the channel, and each pass
 * waits up to half a second for announcements on it. If the connection is lost, the pass fails
 * (the loop's error policy spaces the retries) and the next one opens it again and wakes every
 * claimer once, since announcements made in between were missed. Only on instances that dispatch.
 */
@Component
class EnqueueListener implements Background {

    private static final Logger log = LoggerFactory.getLogger(EnqueueListener.class);
    private static final int WAIT_MILLIS = 500;

    private final DataSource dataSource;
    private final ClaimSignals signals;
    private final Pauses pauses;
    private final DispatchProperties dispatch;
    private final Loop loop = new Loop("sluice-enqueue-listener", this::runOnce);
    /** Only the loop's thread touches it (and {@link #finish} once the loop has ended). */
    private Connection connection;

    EnqueueListener(DataSource dataSource, ClaimSignals signals, Pauses pauses, DispatchProperties dispatch) {
        this.pauses = pauses;
        this.dataSource = dataSource;
        this.signals = signals;
        this.dispatch = dispatch;
    }

    /** Waits up to half a second for announcements and wakes their upstreams' claimers. */
    Pass runOnce() {
        try {
            PGConnection pg = listening();
            PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
            if (notifications == null) {
                return Pass.busy(0);
            }
            for (PGNotification n : notifications) {
                if (Pauses.CHANNEL.equals(n.getName())) {
                    // A pause or resume on some instance: read them again, and wake the claimer.
                    pauses.forget();
                }
                signals.wake(n.getParameter());
            }
            return Pass.busy(notifications.length);
        } catch (SQLException e) {
            close();
            throw new IllegalStateException("listening for enqueued jobs failed", e);
        }
    }

    private PGConnection listening() throws SQLException {
        if (connection == null || connection.isClosed()) {
            close();
            Connection c = dataSource.getConnection();
            try {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + EnqueueNotifier.CHANNEL);
                    s.execute("LISTEN " + Pauses.CHANNEL);
                }
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            connection = c;
            pauses.forget();
            signals.wakeAll();
        }
        return connection.unwrap(PGConnection.class);
    }

    private void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the LISTEN connection failed", e);
            }
            connection = null;
        }
    }

    @Override
    public List<Loop> loops() {
        return dispatch.onlyWhereEnabled(loop);
    }

    /** Gives the held connection back to the pool. */
    @Override
    public boolean finish(java.time.Duration grace) {
        close();
        return true;
    }
}
