package dev.sluice.emulator;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** The emulated OpenAI side's budgets: requests per minute and per day, tokens per minute. */
@Profile("emulator")
@Component
class OpenAiBudget {

    private static final long MINUTE = 60_000_000_000L;
    private static final long DAY = 24 * 60 * MINUTE;

    private final EmulatorProperties.OpenAi limits;
    TokenBucket perMinute;
    TokenBucket perDay;
    TokenBucket tokens;

    OpenAiBudget(EmulatorProperties properties) {
        this.limits = properties.openai();
        reset();
    }

    /** Full budgets again: for tests that share one emulator. */
    synchronized void reset() {
        perMinute = new TokenBucket(limits.requestsPerMinute(), MINUTE);
        perDay = new TokenBucket(limits.requestsPerDay(), DAY);
        tokens = new TokenBucket(limits.tokensPerMinute(), MINUTE);
    }
}
