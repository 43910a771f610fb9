package dev.sluice.upstream;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code x-ratelimit-*} headers of an OpenAI-compatible answer (PROTOCOLS.md section 2):
 * request limit and remainder (per day on Groq), token limit and remainder (per minute), and when
 * each resets, as Go-style durations. Any of them may be missing.
 */
record RateLimitHeaders(
        OptionalLong limitRequests,
        OptionalLong remainingRequests,
        Optional<Duration> resetRequests,
        OptionalLong limitTokens,
        OptionalLong remainingTokens,
        Optional<Duration> resetTokens,
        Optional<Duration> retryAfter) {

    private static final Pattern TRY_AGAIN_IN =
            Pattern.compile("try again in ([0-9hms.µu]+)", Pattern.CASE_INSENSITIVE);

    public static RateLimitHeaders of(HttpHeaders h) {
        return new RateLimitHeaders(
                number(h, "x-ratelimit-limit-requests"),
                number(h, "x-ratelimit-remaining-requests"),
                h.firstValue("x-ratelimit-reset-requests").flatMap(GoDurations::parse),
                number(h, "x-ratelimit-limit-tokens"),
                number(h, "x-ratelimit-remaining-tokens"),
                h.firstValue("x-ratelimit-reset-tokens").flatMap(GoDurations::parse),
                h.firstValue("retry-after").flatMap(RateLimitHeaders::seconds));
    }

    /**
     * How long to send nothing more: until the budget that ran out (remaining 0) resets. Empty
     * while both budgets last.
     */
    public Optional<Duration> exhaustedFor() {
        Duration pause = null;
        if (remainingRequests.isPresent() && remainingRequests.getAsLong() <= 0 && resetRequests.isPresent()) {
            pause = resetRequests.get();
        }
        if (remainingTokens.isPresent() && remainingTokens.getAsLong() <= 0 && resetTokens.isPresent()) {
            pause = pause == null || resetTokens.get().compareTo(pause) > 0 ? resetTokens.get() : pause;
        }
        return Optional.ofNullable(pause);
    }

    /**
     * How long to wait before sending a job like the one just answered ({@code tokens} tokens):
     * until the request budget resets when it is spent, and until the token budget has refilled
     * enough when it holds less than {@code tokens}, assuming it refills evenly until its reset.
     */
    public Optional<Duration> pauseBefore(long tokens) {
        Duration pause = null;
        if (remainingRequests.isPresent() && remainingRequests.getAsLong() <= 0 && resetRequests.isPresent()) {
            pause = resetRequests.get();
        }
        if (remainingTokens.isPresent() && resetTokens.isPresent() && remainingTokens.getAsLong() < tokens) {
            long remaining = Math.max(0, remainingTokens.getAsLong());
            long missing =
                    limitTokens.isPresent() ? Math.max(1, limitTokens.getAsLong() - remaining) : tokens - remaining;
            double share = Math.min(1.0, (tokens - remaining) / (double) missing);
            // 10% and 50 ms more than the even refill: resets come rounded to 10 ms, and a budget
            // may refill less evenly than that; waiting a little long beats a 429.
            Duration refill = Duration.ofNanos((long) (resetTokens.get().toNanos() * share * 1.1))
                    .plusMillis(50);
            pause = pause == null || refill.compareTo(pause) > 0 ? refill : pause;
        }
        return Optional.ofNullable(pause);
    }

    /** How many more jobs of {@code tokens} tokens the remaining budgets cover; null when unsaid. */
    public Integer moreThatFit(long tokens) {
        long fit = Long.MAX_VALUE;
        if (remainingRequests.isPresent()) {
            fit = Math.max(0, remainingRequests.getAsLong());
        }
        if (remainingTokens.isPresent() && tokens > 0) {
            fit = Math.min(fit, Math.max(0, remainingTokens.getAsLong()) / tokens);
        }
        return fit == Long.MAX_VALUE ? null : (int) Math.min(fit, Integer.MAX_VALUE);
    }

    /**
     * When to try again after a 429: {@code retry-after}, else Groq's "Please try again in 5.289s"
     * in the body, else the reset of the budget that ran out, else one second.
     */
    public Duration retryAfterOr(String body) {
        if (retryAfter.isPresent()) {
            return retryAfter.get();
        }
        if (body != null) {
            Matcher m = TRY_AGAIN_IN.matcher(body);
            if (m.find()) {
                Optional<Duration> d = GoDurations.parse(m.group(1).replaceAll("\\.$", ""));
                if (d.isPresent()) {
                    return d.get();
                }
            }
        }
        return exhaustedFor().orElse(Duration.ofSeconds(1));
    }

    private static OptionalLong number(HttpHeaders h, String name) {
        Optional<String> v = h.firstValue(name);
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of((long) Double.parseDouble(v.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static Optional<Duration> seconds(String v) {
        try {
            return Optional.of(
                    Duration.ofMillis((long) (Double.parseDouble(v.trim().toLowerCase(Locale.ROOT)) * 1000)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
