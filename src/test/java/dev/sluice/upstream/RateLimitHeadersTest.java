package dev.sluice.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    private static HttpHeaders headers(Map<String, String> values) {
        return HttpHeaders.of(
                values.entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))),
                (a, b) -> true);
    }

    @Test
    void parsesGoStyleDurations() {
        assertThat(GoDurations.parse("2m59.56s")).contains(Duration.ofMillis(179_560));
        assertThat(GoDurations.parse("7.66s")).contains(Duration.ofMillis(7_660));
        assertThat(GoDurations.parse("1h2m3s")).contains(Duration.ofSeconds(3723));
        assertThat(GoDurations.parse("450ms")).contains(Duration.ofMillis(450));
        assertThat(GoDurations.parse("0s")).contains(Duration.ZERO);
        assertThat(GoDurations.parse("0")).contains(Duration.ZERO);
        assertThat(GoDurations.parse("12us")).contains(Duration.ofNanos(12_000));
        assertThat(GoDurations.parse("")).isEmpty();
        assertThat(GoDurations.parse(null)).isEmpty();
        assertThat(GoDurations.parse("soon")).isEmpty();
        assertThat(GoDurations.parse("5s later")).isEmpty();
        assertThat(GoDurations.parse("7.66")).isEmpty();
    }

    @Test
    void readsGroqsHeadersAndToleratesMissingOnes() {
        RateLimitHeaders all = RateLimitHeaders.of(headers(Map.of(
                "x-ratelimit-limit-requests", "14400",
                "x-ratelimit-remaining-requests", "14370",
                "x-ratelimit-reset-requests", "2m59.56s",
                "x-ratelimit-limit-tokens", "18000",
                "x-ratelimit-remaining-tokens", "17997",
                "x-ratelimit-reset-tokens", "7.66s")));
        assertThat(all.limitRequests()).hasValue(14400);
        assertThat(all.remainingTokens()).hasValue(17997);
        assertThat(all.resetRequests()).contains(Duration.ofMillis(179_560));
        assertThat(all.pauseBefore(100)).isEmpty();

        RateLimitHeaders none = RateLimitHeaders.of(headers(Map.of()));
        assertThat(none.remainingRequests()).isEmpty();
        assertThat(none.pauseBefore(100)).isEmpty();
        assertThat(none.retryAfterOr(null)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void pausesUntilTheBudgetThatRanOutCanCoverTheNextJob() {
        RateLimitHeaders spentRequests = RateLimitHeaders.of(
                headers(Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "12.5s")));
        assertThat(spentRequests.pauseBefore(1)).contains(Duration.ofMillis(12_500));

        // 100 tokens left of 1,000, full again in 9 s (100 a second): 200 more take 2 s, plus margin.
        RateLimitHeaders shortOfTokens = RateLimitHeaders.of(headers(Map.of(
                "x-ratelimit-limit-tokens",
                "1000",
                "x-ratelimit-remaining-tokens",
                "100",
                "x-ratelimit-reset-tokens",
                "9s")));
        assertThat(shortOfTokens.pauseBefore(300).orElseThrow())
                .isBetween(Duration.ofMillis(2000), Duration.ofMillis(2300));
        assertThat(shortOfTokens.pauseBefore(50)).isEmpty();
    }

    @Test
    void findsWhenToTryAgainAfterA429() {
        assertThat(RateLimitHeaders.of(headers(Map.of("retry-after", "3"))).retryAfterOr("x"))
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(RateLimitHeaders.of(headers(Map.of()))
                        .retryAfterOr(
                                "{\"error\":{\"message\":\"Rate limit reached ... Please try again in 5.289s.\"}}"))
                .isEqualTo(Duration.ofMillis(5289));
    }
}
