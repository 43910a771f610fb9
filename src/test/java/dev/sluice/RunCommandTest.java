package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, {@code ./mvnw spring-boot:test-run}, starts the one main class it finds
 * among the test classes: a second one (as a fault-test launcher once was) leaves it unable to
 * choose, and the command fails.
 */
class RunCommandTest {

    @Test
    void theTestClassesHoldOneMainClassTestSluiceApplication() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            List<String> mains = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.endsWith("RunCommandTest.java"))
                    .filter(f -> read(f).contains("static void main("))
                    .map(f -> f.getFileName().toString())
                    .toList();
            assertThat(mains).containsExactly("TestSluiceApplication.java");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
