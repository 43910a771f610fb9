package dev.sluice.emulator;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Profile;
import org.springframework.core.SpringProperties;

/**
 * The emulator as an application of its own: only this package, and no database. Sluice's main
 * method starts this instead of Sluice when the {@code emulator} profile is active.
 */
@Profile("emulator")
@SpringBootConfiguration
@EnableAutoConfiguration(
        excludeName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
            "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
            "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
            // The emulator stands for an upstream: it checks its own API key, not Sluice's.
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"
        })
@EnableConfigurationProperties(EmulatorProperties.class)
@ComponentScan(basePackageClasses = EmulatorApplication.class)
public class EmulatorApplication {

    /** The emulated upstream's own clock (it stands for another server). */
    @Bean
    Clock emulatorClock() {
        return Clock.systemUTC();
    }

    public static ConfigurableApplicationContext run(String... args) {
        // Spring AOT prepares Sluice's context at build time, not this one: started by
        // bin/sluice-server (which asks for the prepared context), the emulator makes its own.
        SpringProperties.setProperty("spring.aot.enabled", "false");
        SpringApplication app = new SpringApplication(EmulatorApplication.class);
        app.setAdditionalProfiles("emulator");
        return app.run(args);
    }
}
