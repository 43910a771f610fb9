package dev.sluice.reporting;

import dev.sluice.Fixtures;
import javax.sql.DataSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/** Empties the tables and loads {@code reporting-seed.sql}: the jobs the reporting tests know. */
final class ReportingSeed {

    private ReportingSeed() {}

    static void load(JdbcClient jdbc, DataSource dataSource) {
        Fixtures.truncate(jdbc);
        jdbc.sql("TRUNCATE queue_snapshot").update();
        new ResourceDatabasePopulator(new ClassPathResource("reporting-seed.sql")).execute(dataSource);
    }
}
