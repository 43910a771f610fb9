package dev.sluice.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QuietSluiceTest;
import dev.sluice.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Runs every query of docs/reporting.md on the seeded jobs ({@code reporting-seed.sql}) and checks
 * its answer, worked out by hand from the seed. Job ids are not compared (columns named job_id);
 * numbers are compared as numbers.
 */
@QuietSluiceTest
class ReportingDocsTest {

    private static final Pattern QUERY =
            Pattern.compile("<!-- query: ([a-z-]+) -->\\s*```sql\\n(.*?)```", Pattern.DOTALL);

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @BeforeEach
    void seed() {
        // The documented queries use the database's now(): so does the seed.
        ReportingSeed.load(jdbc, dataSource, null);
    }

    @Test
    void everyQueryOfTheReportingDocsAnswersWhatTheSeedImplies() throws Exception {
        Map<String, String> queries = queries();
        // The seed and the documented queries use the database's now(): so do these days.
        LocalDate databaseToday = TestClock.databaseToday(jdbc);
        String d = databaseToday.minusDays(2).toString();
        String d1 = databaseToday.minusDays(1).toString();
        String today = databaseToday.toString();
        Map<String, List<List<String>>> expected = new LinkedHashMap<>();
        expected.put(
                "wait-per-priority-per-day",
                List.of(
                        List.of(d, "high", "10", "5.5", "9.1", "9.91", "10"),
                        List.of(d, "normal", "3", "3", "3", "3", "3"),
                        List.of(d, "low", "10", "550", "910", "991", "1000"),
                        List.of(d1, "normal", "5", "2", "2", "2", "2"),
                        row(today, "high", "1", null, null, null, null),
                        row(today, "normal", "1", null, null, null, null),
                        row(today, "low", "1", null, null, null, null)));
        expected.put(
                "where-jobs-waited",
                List.of(List.of("groq", "5", "2.0", "0.0", "1.0"), List.of("mint", "20", "277.8", "37.5", "5.0")));
        expected.put(
                "later-than-the-upstream-said",
                List.of(
                        List.of("mint", "50", "100", "50.0"),
                        List.of("mint", "50", "90", "40.0"),
                        List.of("mint", "50", "80", "30.0"),
                        List.of("mint", "50", "70", "20.0"),
                        List.of("mint", "50", "60", "10.0")));
        expected.put("forecast-accuracy", List.of(List.of("mint", "10", "5.0", "25.0", "0.50")));
        expected.put(
                "throughput-per-hour",
                List.of(
                        List.of(d + " 10:00:00", "mint", "20", "0"),
                        List.of(d + " 11:00:00", "mint", "0", "2"),
                        List.of(d1 + " 09:00:00", "groq", "5", "0")));
        expected.put(
                "oldest-waiting-now",
                List.of(
                        List.of("mint", "high", "1", "10"),
                        List.of("mint", "normal", "1", "20"),
                        List.of("mint", "low", "1", "30")));
        expected.put("failure-rate-per-day", List.of(List.of(d, "mint", "23", "8.7"), List.of(d1, "groq", "5", "0.0")));
        expected.put(
                "retries-and-polls",
                List.of(List.of("groq", "0", "1", "0.0", "0"), List.of("mint", "2", "3", "3.3", "10")));
        expected.put(
                "slowest-jobs",
                List.of(
                        List.of("mint", "low", "1025", "1000", "20"),
                        List.of("mint", "low", "925", "900", "20"),
                        List.of("mint", "low", "825", "800", "20")));
        expected.put("deepest-queue", List.of(List.of("mint", "10", "32", "10")));

        assertThat(queries.keySet())
                .as("the queries of docs/reporting.md")
                .containsExactlyElementsOf(expected.keySet());
        for (var e : expected.entrySet()) {
            List<List<String>> actual = run(queries.get(e.getKey()));
            assertThat(actual).as(e.getKey()).hasSameSizeAs(e.getValue());
            for (int i = 0; i < actual.size(); i++) {
                assertThat(sameRow(actual.get(i), e.getValue().get(i)))
                        .as(
                                "%s, row %d: %s, expected %s",
                                e.getKey(), i + 1, actual.get(i), e.getValue().get(i))
                        .isTrue();
            }
        }
    }

    private static List<String> row(String... values) {
        List<String> r = new ArrayList<>();
        for (String v : values) {
            r.add(v);
        }
        return r;
    }

    static Map<String, String> queries() throws Exception {
        String doc = Files.readString(Path.of("docs/reporting.md"));
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = QUERY.matcher(doc);
        while (m.find()) {
            out.put(m.group(1), m.group(2).trim().replaceAll(";$", ""));
        }
        return out;
    }

    /** The rows as strings, without job_id columns. */
    private List<List<String>> run(String sql) {
        return jdbc.sql(sql)
                .query((rs, n) -> {
                    List<String> r = new ArrayList<>();
                    for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                        if (!rs.getMetaData().getColumnLabel(c).equals("job_id")) {
                            r.add(rs.getString(c));
                        }
                    }
                    return r;
                })
                .list();
    }

    private static boolean sameRow(List<String> actual, List<String> expected) {
        if (actual.size() != expected.size()) {
            return false;
        }
        for (int i = 0; i < actual.size(); i++) {
            String a = actual.get(i);
            String e = expected.get(i);
            if (a == null || e == null) {
                if (a != e) {
                    return false;
                }
            } else if (!a.equals(e) && !sameNumber(a, e)) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameNumber(String a, String e) {
        try {
            return Math.abs(Double.parseDouble(a) - Double.parseDouble(e)) < 1e-9;
        } catch (NumberFormatException x) {
            return false;
        }
    }
}
