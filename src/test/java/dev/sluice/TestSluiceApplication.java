package dev.sluice;

import org.springframework.boot.SpringApplication;

/**
 * Runs Sluice with the database the tests would use ({@code ./mvnw spring-boot:test-run}): a
 * Testcontainers PostgreSQL where a Docker engine answers, else the local server's {@code sluice}
 * database, else one message saying what to do.
 */
public class TestSluiceApplication {

    public static void main(String[] args) {
        TestDatabaseConfiguration.localDatabase = "sluice";
        SpringApplication.from(SluiceApplication::main)
                .with(TestDatabaseConfiguration.class)
                .run(args);
    }
}
