package dev.sluice;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * A Sluice instance on a random port against the test database (see {@link TestDatabase}).
 * Add {@code @TestPropertySource} for settings; {@code sluice.dispatch.enabled=false} gives a
 * quiet queue whose claims a test makes itself. Its {@link java.time.Clock} is {@link TestClock}'s.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sluice.security.admin-key=" + TestKeys.ADMIN,
            // A developer's MINT_API_KEY must never point a test at the real service.
            "sluice.mint.from-environment=false"
        })
@Import({TestDatabaseConfiguration.class, TestClockConfiguration.class})
public @interface SluiceTest {}
