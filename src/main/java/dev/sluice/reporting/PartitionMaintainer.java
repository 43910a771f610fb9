package dev.sluice.reporting;

import dev.sluice.batch.BatchRepository;
import dev.sluice.job.JobRepository;
import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.Pass;
import dev.sluice.runtime.Stage;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the time-partitioned tables ({@code job_status_history}, {@code queue_snapshot}) and the
 * hot {@code job} table in shape: once at start (before anything is claimed) and then every
 * {@code maintenance-interval}, it makes the daily partitions of the days ahead, drops those past
 * their retention, and deletes finished jobs past theirs, in short batches.
 *
 * <p>None of it blocks the claimer for long. Partitions are attached (a SHARE UPDATE EXCLUSIVE
 * lock on the parent, which inserts do not wait for) rather than created in place. Dropping a
 * partition needs an ACCESS EXCLUSIVE lock; it is tried with {@code lock_timeout} 500 ms, so that a
 * long report holding the table cannot make the claimer's inserts queue behind the drop for longer
 * than that, and a drop that times out is tried again next time. One instance at a time does the
 * work (an advisory lock); the others skip it.
 */
@Component
class PartitionMaintainer implements Background {

    private static final Logger log = LoggerFactory.getLogger(PartitionMaintainer.class);
    private static final List<String> PARTITIONED = List.of("job_status_history", "queue_snapshot");
    private static final String LOCK = "pg_try_advisory_xact_lock(hashtext('sluice.partition_maintenance'))";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JobRepository jobs;
    private final BatchRepository batches;
    private final ReportingProperties properties;
    private final Clock clock;
    private final Loop loop;
    private final ProjectSnapshots projectSnapshots;

    PartitionMaintainer(
            JdbcClient jdbc,
            TransactionTemplate tx,
            JobRepository jobs,
            BatchRepository batches,
            ReportingProperties properties,
            Clock clock,
            ProjectSnapshots projectSnapshots) {
        this.projectSnapshots = projectSnapshots;
        this.jobs = jobs;
        this.batches = batches;
        this.jdbc = jdbc;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
        this.loop = new Loop("sluice-partition-upkeep", this::runOnce).firstPassOnStart();
    }

    /** What one pass of upkeep did. */
    public record Upkeep(int partitionsCreated, List<String> partitionsDropped, long jobsDeleted) {}

    /** One pass of {@link #upkeep}, then the next after {@code maintenance-interval}. */
    public Pass runOnce() {
        Upkeep done = upkeep();
        int rows = (int) Math.min(
                Integer.MAX_VALUE,
                done.partitionsCreated() + done.partitionsDropped().size() + done.jobsDeleted());
        return Pass.after(rows, properties.maintenanceInterval());
    }

    /** Makes partitions ahead, drops and deletes what is past retention. */
    public Upkeep upkeep() {
        Instant now = clock.instant();
        int created = ensurePartitions(now);
        List<String> dropped = dropPartitions(now);
        long deleted = deleteFinishedJobs(now.minus(properties.finishedJobRetention()));
        projectSnapshots.deleteBefore(now.minus(properties.snapshotRetention()), now);
        if (created > 0 || !dropped.isEmpty() || deleted > 0) {
            log.info(
                    "partition upkeep: {} partition(s) made, {} dropped {}, {} finished job(s) deleted",
                    created,
                    dropped.size(),
                    dropped,
                    deleted);
        }
        return new Upkeep(created, dropped, deleted);
    }

    /** Makes the daily partitions from yesterday to {@code partitions-ahead} days from today. */
    int ensurePartitions(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Integer created = tx.execute(status -> {
            jdbc.sql("SET LOCAL lock_timeout = '2s'").update();
            if (!jdbc.sql("SELECT " + LOCK).query(Boolean.class).single()) {
                return 0;
            }
            int n = 0;
            for (String table : PARTITIONED) {
                n += jdbc.sql("SELECT sluice_ensure_partitions(CAST(:table AS regclass), :first, :last)")
                        .param("table", table)
                        .param("first", Date.valueOf(today.minusDays(1)))
                        .param("last", Date.valueOf(today.plusDays(properties.partitionsAhead())))
                        .query(Integer.class)
                        .single();
            }
            return n;
        });
        return created == null ? 0 : created;
    }

    /** Drops the partitions wholly older than their table's retention, one transaction each. */
    List<String> dropPartitions(Instant now) {
        List<String> dropped = new java.util.ArrayList<>();
        dropped.addAll(drop("job_status_history", now.minus(properties.historyRetention())));
        dropped.addAll(drop("queue_snapshot", now.minus(properties.snapshotRetention())));
        return dropped;
    }

    private List<String> drop(String table, Instant cutoff) {
        try {
            List<String> dropped = tx.execute(status -> {
                jdbc.sql("SET LOCAL lock_timeout = '500ms'").update();
                if (!jdbc.sql("SELECT " + LOCK).query(Boolean.class).single()) {
                    return List.<String>of();
                }
                return jdbc.sql("SELECT sluice_drop_partitions(CAST(:table AS regclass), :cutoff)")
                        .param("table", table)
                        .param("cutoff", Timestamp.from(cutoff))
                        .query(String.class)
                        .list();
            });
            return dropped == null ? List.of() : dropped;
        } catch (RuntimeException e) {
            log.warn("dropping old partitions of {} failed (a lock was busy?); trying again next time", table, e);
            return List.of();
        }
    }

    /**
     * Deletes finished jobs that finished before {@code cutoff}, with their callback deliveries,
     * {@code delete-batch-size} per statement (each its own short transaction). Batches they
     * leave empty go too.
     */
    long deleteFinishedJobs(Instant cutoff) {
        long total = 0;
        int deleted;
        do {
            deleted = jobs.deleteFinishedBefore(cutoff, properties.deleteBatchSize());
            total += deleted;
        } while (deleted == properties.deleteBatchSize());
        if (total > 0) {
            batches.deleteEmptyCreatedBefore(cutoff);
        }
        return total;
    }

    /**
     * Runs a pass at once, before anything is claimed ({@link Stage#TABLES}), then every
     * maintenance interval; everywhere, whether or not the instance dispatches. While a pass
     * fails, the DEFAULT partitions take the rows.
     */
    @Override
    public Stage stage() {
        return Stage.TABLES;
    }

    @Override
    public List<Loop> loops() {
        return List.of(loop);
    }
}
