package dev.sluice;

import dev.sluice.emulator.EmulatorApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;

/**
 * Runs Sluice for trying it out ({@code ./mvnw spring-boot:test-run}): with the database the tests
 * would use (a Testcontainers PostgreSQL where a Docker engine answers, else the local server's
 * {@code sluice} database, else one message saying what to do), and the shipped Tinker emulator on
 * port 8090 as the default upstream {@code emulator} (and its OpenAI side as {@code
 * emulator-openai}, the OpenAI door's upstream for every model), so it runs end to end with no
 * credentials but the fixed development key {@link TestKeys#DEVELOPMENT}.
 */
public class TestSluiceApplication {

    public static void main(String[] args) {
        TestDatabaseConfiguration.localDatabase = "sluice";
        // The development run's admin key, documented in the README, unless one is given.
        if (System.getenv("SLUICE_ADMIN_KEY") == null && System.getProperty("sluice.security.admin-key") == null) {
            System.setProperty("sluice.security.admin-key", TestKeys.DEVELOPMENT);
        }
        String port = System.getProperty("sluice.emulator.port", "8090");
        EmulatorApplication.run("--server.port=" + port, "--spring.main.banner-mode=off");
        List<String> all = new ArrayList<>(List.of(
                "--sluice.upstreams.emulator.protocol=tinker",
                "--sluice.upstreams.emulator.base-url=http://127.0.0.1:" + port,
                "--sluice.default-upstream=emulator",
                // The emulator's OpenAI side, where the OpenAI door sends every model.
                "--sluice.upstreams.emulator-openai.protocol=openai",
                "--sluice.upstreams.emulator-openai.base-url=http://127.0.0.1:" + port + "/openai",
                "--sluice.doors.openai.default-upstream=emulator-openai"));
        all.addAll(List.of(args));
        SpringApplication.from(SluiceApplication::main)
                .with(TestDatabaseConfiguration.class)
                .run(all.toArray(String[]::new));
    }
}
