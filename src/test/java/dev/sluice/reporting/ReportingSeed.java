package dev.sluice.reporting;

import dev.sluice.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import javax.sql.DataSource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/** Empties the tables and loads {@code reporting-seed.sql}: the jobs the reporting tests know. */
final class ReportingSeed {

    private ReportingSeed() {}

    /**
     * Loads the seed with its days counted back from {@code now}: the test's clock for a test that
     * holds the seed against the application (which runs on that clock), or null for the
     * database's own {@code now()}, for queries that use it.
     */
    static void load(JdbcClient jdbc, DataSource dataSource, Instant now) {
        Fixtures.truncate(jdbc);
        jdbc.sql("TRUNCATE queue_snapshot").update();
        String script;
        try {
            script = new ClassPathResource("reporting-seed.sql").getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (now != null) {
            script = script.replace("now()", "CAST('" + now + "' AS timestamptz)");
        }
        new ResourceDatabasePopulator(new ByteArrayResource(script.getBytes(StandardCharsets.UTF_8)))
                .execute(dataSource);
    }
}
