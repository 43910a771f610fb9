package dev.sluice.emulator;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The emulator's knobs, under {@code sluice.emulator.*}.
 *
 * @param workers requests decoded at once (default 4)
 * @param tokensPerSecond decode speed of one worker (default 1000); a request takes
 *     num_samples * max_tokens / tokens-per-second
 * @param maxInFlight requests queued or running above which {@code asample} with the backpressure
 *     header answers 429 (default 256)
 * @param apiKey when set, requests with another {@code X-API-Key} get 401
 * @param resultGrace how long a result stays readable after it is first retrieved (default 120 s,
 *     as mint)
 * @param minPollInterval a poll sooner than this after the previous one gets an immediate 408
 *     (default 1 s, as mint)
 * @param faults injected failures
 */
@Validated
@ConfigurationProperties("sluice.emulator")
record EmulatorProperties(
        @DefaultValue("4") @Min(1) int workers,
        @DefaultValue("1000") @Min(1) int tokensPerSecond,
        @DefaultValue("256") @Min(1) int maxInFlight,
        String apiKey,
        @DefaultValue("120s") @NotNull Duration resultGrace,
        @DefaultValue("1s") @NotNull Duration minPollInterval,
        @DefaultValue @Valid Faults faults,
        @DefaultValue @Valid OpenAi openai) {

    /**
     * The OpenAI-compatible side ({@code /v1/chat/completions}, {@code /openai/v1/chat/completions}),
     * with budgets kept as Groq keeps them: requests per minute (enforced, reported by no header),
     * requests per day and tokens per minute (both reported in {@code x-ratelimit-*}).
     *
     * @param requestsPerMinute default 600
     * @param tokensPerMinute default 60,000; a request costs its prompt (about 4 characters a token)
     *     plus its max_tokens (default 16)
     * @param requestsPerDay default 14,400
     * @param latency how long each completion takes (default 20 ms)
     * @param capacityExceededRate fraction answered 498 capacity_exceeded, as Groq's flex tier
     *     (default 0)
     */
    public record OpenAi(
            @DefaultValue("600") @Min(1) long requestsPerMinute,
            @DefaultValue("60000") @Min(1) long tokensPerMinute,
            @DefaultValue("14400") @Min(1) long requestsPerDay,
            @DefaultValue("20ms") @NotNull Duration latency,

            @DefaultValue("0") @DecimalMin("0") @DecimalMax("1")
            double capacityExceededRate) {}

    /**
     * Fractions of calls answered with a failure, each from 0 to 1 (default 0).
     *
     * @param serverErrorRate answered 500
     * @param timeoutRate left hanging for {@code hangFor} (the client times out)
     * @param lostRate accepted requests the server then loses: their polls answer 410
     * @param hangFor how long a hanging call hangs (default 60 s)
     */
    public record Faults(
            @DefaultValue("0") @DecimalMin("0") @DecimalMax("1")
            double serverErrorRate,

            @DefaultValue("0") @DecimalMin("0") @DecimalMax("1")
            double timeoutRate,

            @DefaultValue("0") @DecimalMin("0") @DecimalMax("1")
            double lostRate,

            @DefaultValue("60s") @NotNull Duration hangFor) {}
}
