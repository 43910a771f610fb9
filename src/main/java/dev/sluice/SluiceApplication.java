package dev.sluice;

import dev.sluice.emulator.EmulatorApplication;
import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@ConfigurationPropertiesScan
public class SluiceApplication {

    public static void main(String[] args) {
        if (emulatorRequested(args)) {
            EmulatorApplication.run(args);
        } else {
            SpringApplication.run(SluiceApplication.class, args);
        }
    }

    /** {@code --spring.profiles.active=emulator} (or the same property or variable) runs the emulator. */
    static boolean emulatorRequested(String[] args) {
        String profiles = System.getProperty("spring.profiles.active", System.getenv("SPRING_PROFILES_ACTIVE"));
        for (String arg : args) {
            if (arg.startsWith("--spring.profiles.active=")) {
                profiles = arg.substring("--spring.profiles.active=".length());
            }
        }
        return profiles != null
                && java.util.Arrays.asList(profiles.split("\\s*,\\s*")).contains("emulator");
    }

    /** Every timestamp Sluice writes comes from this clock, so tests can reason about time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
