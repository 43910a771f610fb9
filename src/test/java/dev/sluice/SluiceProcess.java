package dev.sluice;

import org.springframework.boot.SpringApplication;

/**
 * The main class of the Sluice JVMs that fault tests start: the production application with
 * {@link TestClock}'s clock, so a child JVM keeps the same time as the test that started it.
 */
public final class SluiceProcess {

    private SluiceProcess() {}

    public static void main(String[] args) {
        SpringApplication.from(SluiceApplication::main)
                .with(TestClockConfiguration.class)
                .run(args);
    }
}
