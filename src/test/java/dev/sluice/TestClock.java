package dev.sluice;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The one clock of the tests and of every Sluice they start: the system clock moved by
 * {@code sluice.test.clock-offset} (an ISO-8601 duration, default none). Tests take "now" from
 * here (or the {@link Clock} bean, which is this clock), never from {@code Instant.now()} or a
 * calendar date written in the test, so the suite means the same on any day:
 * {@code ./mvnw verify -Dsluice.test.clock-offset=P365D} runs it a year ahead.
 *
 * <p>Rows a test writes with the database's {@code now()} follow the database's clock instead;
 * such a test reads "today" from the database too ({@link #databaseToday}).
 */
public final class TestClock {

    public static final String PROPERTY = "sluice.test.clock-offset";

    private static final Clock CLOCK = Clock.offset(Clock.systemUTC(), offset());

    private TestClock() {}

    public static Clock clock() {
        return CLOCK;
    }

    public static Instant now() {
        return CLOCK.instant();
    }

    public static LocalDate today() {
        return LocalDate.now(CLOCK.withZone(ZoneOffset.UTC));
    }

    /** The offset, as given; zero when the property is not set. */
    public static Duration offset() {
        String value = System.getProperty(PROPERTY, "");
        return value.isBlank() ? Duration.ZERO : Duration.parse(value.trim());
    }

    /** Today as the database sees it, for rows written with its {@code now()}. */
    public static LocalDate databaseToday(org.springframework.jdbc.core.simple.JdbcClient jdbc) {
        return jdbc.sql("SELECT CAST(now() AT TIME ZONE 'UTC' AS date)")
                .query(LocalDate.class)
                .single();
    }
}
