package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps time in one place. A test that wrote a calendar date and also read the wall clock failed
 * on every day after that date (issue 11). So Sluice reads time only from its {@link
 * java.time.Clock} bean, and tests only from {@link TestClock} (or that bean): no other read of
 * the wall clock, and no calendar instant written in a test.
 */
class TimeSourcesTest {

    /** Reads of the wall clock that bypass the one clock. */
    private static final Pattern WALL_CLOCK = Pattern.compile(
            "\\b(Instant|LocalDate|LocalDateTime|OffsetDateTime|ZonedDateTime|LocalTime)\\.now\\(\\s*\\)"
                    + "|System\\.currentTimeMillis\\(|Clock\\.system(UTC|DefaultZone)?\\(");
    /** A calendar instant written into a test: a parse of a dated literal, or a date built from a year. */
    private static final Pattern CALENDAR_INSTANT = Pattern.compile(
            "(Instant|OffsetDateTime|ZonedDateTime)\\.parse\\(\"\\d{4}-|LocalDate(Time)?\\.of\\(\\d{4}");

    /** The one line that may read the system clock, in each application's clock (the CLI's too). */
    private static final String SYSTEM_CLOCK = "return Clock." + "systemUTC();";

    @Test
    void sluiceReadsTheTimeOnlyFromItsClockBean() throws IOException {
        assertThat(offenders(Path.of("src/main/java"), WALL_CLOCK))
                .containsExactly(
                        "src/main/java/dev/sluice/SluiceApplication.java: " + SYSTEM_CLOCK,
                        "src/main/java/dev/sluice/cli/SluiceCli.java: " + SYSTEM_CLOCK,
                        "src/main/java/dev/sluice/emulator/EmulatorApplication.java: " + SYSTEM_CLOCK);
    }

    @Test
    void testsReadTheTimeOnlyFromTheTestClock() throws IOException {
        assertThat(offenders(Path.of("src/test/java"), WALL_CLOCK))
                .allMatch(line -> line.startsWith("src/test/java/dev/sluice/TestClock.java:"));
        assertThat(offenders(Path.of("src/test/java"), CALENDAR_INSTANT)).isEmpty();
    }

    private static List<String> offenders(Path root, Pattern pattern) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                if (file.endsWith("TimeSourcesTest.java")) {
                    continue;
                }
                for (String line : Files.readAllLines(file)) {
                    String code = line.strip();
                    if (!code.startsWith("*")
                            && !code.startsWith("//")
                            && pattern.matcher(code).find()) {
                        found.add(file.toString().replace('\\', '/') + ": " + code);
                    }
                }
            }
        }
        return found;
    }
}
