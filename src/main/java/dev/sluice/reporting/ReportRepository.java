package dev.sluice.reporting;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The reports, read in read-only transactions: they take only ACCESS SHARE locks and see an MVCC
 * snapshot, so they never block the claimer's writes (nor it theirs), and the connection's
 * statement_timeout bounds them.
 */
@Repository
public class ReportRepository {

    /** A report: its column names in order, and its rows. */
    public record Table(List<String> columns, List<Map<String, Object>> rows) {}

    private final JdbcClient jdbc;

    ReportRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code wait_time_stats(from, to, bucket, groupBy, onlyProject)}, as the SQL function answers it (null project: all). */
    @Transactional(readOnly = true)
    public Table waitTimes(Instant from, Instant to, String bucket, String groupBy, Long onlyProject) {
        return jdbc.sql("SELECT * FROM wait_time_stats(:from, :to, :bucket, :groupBy, CAST(:project AS bigint))")
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .param("bucket", bucket)
                .param("groupBy", groupBy)
                .param("project", onlyProject, java.sql.Types.BIGINT)
                .query(ReportRepository::table);
    }

    /** The {@code queue_snapshot} rows taken in [from, to), oldest first. */
    @Transactional(readOnly = true)
    public Table queueDepth(Instant from, Instant to) {
        return jdbc.sql("""
                SELECT * FROM queue_snapshot WHERE taken_at >= :from AND taken_at < :to
                ORDER BY taken_at, upstream""")
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .query(ReportRepository::table);
    }

    private static Table table(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnLabel(i));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= columns.size(); i++) {
                Object v = rs.getObject(i);
                row.put(columns.get(i - 1), v instanceof Timestamp t ? t.toInstant() : v);
            }
            rows.add(row);
        }
        return new Table(columns, rows);
    }
}
