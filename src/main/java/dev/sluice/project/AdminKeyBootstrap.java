package dev.sluice.project;

import dev.sluice.runtime.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first admin key. At start, under a database lock (so two instances starting together make
 * one): the configured {@code sluice.security.admin-key} is stored if no key has it yet; without
 * one, if no live admin key is stored, Sluice makes one, in project {@code default}, and prints it
 * once in the log. A configured key that was revoked stays revoked.
 */
@Component
class AdminKeyBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminKeyBootstrap.class);

    private final ApiKeys keys;
    private final Projects projects;
    private final AuditLog audit;
    private final SecurityProperties properties;
    private final TransactionTemplate transaction;
    private final Clock clock;

    AdminKeyBootstrap(
            ApiKeys keys,
            Projects projects,
            AuditLog audit,
            SecurityProperties properties,
            TransactionTemplate transaction,
            Clock clock) {
        this.keys = keys;
        this.projects = projects;
        this.audit = audit;
        this.properties = properties;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** Tries of the bootstrap's transaction when the database fails it (a connection lost at start). */
    static final int TRIES = 5;

    /** The wait between tries: 0.25-0.5 s, then doubling, about 4-8 s in all (a database restart). */
    private static final Backoff BETWEEN_TRIES = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(4));

    /**
     * Runs after the web server and the loops have started, so the database can fail it like any
     * other statement: it is tried again after a backoff (it is idempotent, under its lock), and
     * only the last failure stops the start. Before, one killed connection at this moment stopped
     * the instance.
     */
    @Override
    public void run(ApplicationArguments args) {
        for (int tried = 1; ; tried++) {
            try {
                transaction.executeWithoutResult(status -> bootstrap());
                return;
            } catch (DataAccessException | TransactionException e) {
                if (tried == TRIES) {
                    throw e;
                }
                Duration wait = BETWEEN_TRIES.before(tried);
                log.warn(
                        "the admin key bootstrap failed (try {} of {}); trying again in {} ms: {}",
                        tried,
                        TRIES,
                        wait.toMillis(),
                        e.getMessage());
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void bootstrap() {
        keys.lockBootstrap();
        Instant now = clock.instant();
        String configured = properties.adminKey();
        if (configured != null) {
            var existing = keys.findByHash(Keys.hash(configured));
            if (existing.isEmpty()) {
                store(configured, "admin (sluice.security.admin-key)", now);
                log.info("admin key from sluice.security.admin-key stored ({}...)", Keys.shownPrefix(configured));
            } else if (existing.get().key().revokedAt() != null) {
                log.warn(
                        "the admin key in sluice.security.admin-key ({}...) was revoked, and stays revoked",
                        Keys.shownPrefix(configured));
            }
            return;
        }
        if (keys.anyLiveAdmin(now)) {
            return;
        }
        String made = Keys.make();
        store(made, "admin (made at first start)", now);
        // The one place a key is written to the log: the issue of a fresh database's first key.
        log.warn("""

                ==== Sluice made an admin key; it is shown this once. Keep it in a secret store. ====
                    {}
                ==== Send it as 'Authorization: Bearer <key>'; make narrower keys with POST /api/v1/keys. ====""", made);
    }

    private void store(String key, String name, Instant now) {
        long projectId = projects.findOrCreate("default", now).id();
        long id = keys.insert(
                projectId, name, Keys.shownPrefix(key), Keys.hash(key), EnumSet.of(Scope.ADMIN), null, now, null);
        audit.record(null, "key.create", "key:" + id, Map.of("project", "default", "name", name, "scopes", "admin"));
    }
}
