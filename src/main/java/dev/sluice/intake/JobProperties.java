package dev.sluice.intake;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Defaults for new jobs, under {@code sluice.jobs.*}.
 *
 * @param defaultMaxAttempts attempts a job gets when its request names none (default 5); an
 *     attempt is used by each send that fails in a retryable way, never by an upstream's 429
 */
@Validated
@ConfigurationProperties("sluice.jobs")
record JobProperties(
        @DefaultValue("5") @Min(1) @Max(JobRequestParser.MAX_ATTEMPTS)
        int defaultMaxAttempts) {}
