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
 * @param defaultMaxTokens the completion a job is reckoned to ask for when it sends no
 *     {@code token_count} and its payload names no {@code max_tokens} (default 1,024): see
 *     {@link TokenEstimator}
 */
@Validated
@ConfigurationProperties("sluice.jobs")
record JobProperties(
        @DefaultValue("5") @Min(1) @Max(JobRequestParser.MAX_ATTEMPTS)
        int defaultMaxAttempts,

        @DefaultValue("1024") @Min(1) @Max(1_000_000) int defaultMaxTokens) {}
