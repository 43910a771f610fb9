package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamGateTest {

    @Test
    void spreadsAPerMinuteLimitOverShortPeriods() {
        RateLimiterConfig six100 = UpstreamGate.config(600, Duration.ZERO);
        assertThat(six100.getLimitForPeriod()).isEqualTo(1);
        assertThat(six100.getLimitRefreshPeriod()).isEqualTo(Duration.ofMillis(100));

        RateLimiterConfig twelveK = UpstreamGate.config(12_000, Duration.ZERO);
        assertThat(twelveK.getLimitForPeriod()).isEqualTo(10);
        assertThat(twelveK.getLimitRefreshPeriod()).isEqualTo(Duration.ofMillis(50));

        RateLimiterConfig thirty = UpstreamGate.config(30, Duration.ZERO);
        assertThat(thirty.getLimitForPeriod()).isEqualTo(1);
        assertThat(thirty.getLimitRefreshPeriod()).isEqualTo(Duration.ofSeconds(2));

        RateLimiterConfig odd = UpstreamGate.config(1000, Duration.ZERO);
        double perMinute =
                odd.getLimitForPeriod() * 60_000.0 / odd.getLimitRefreshPeriod().toMillis();
        assertThat(perMinute).isCloseTo(1000, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void takesNoMoreInFlightSlotsThanTheCap() {
        UpstreamGate gate = new UpstreamGate("u", 0, 0, 3, Duration.ofSeconds(1), RateLimiterRegistry.ofDefaults());

        assertThat(gate.takeSlots(10)).isEqualTo(3);
        assertThat(gate.takeSlots(10)).isZero();
        gate.releaseSlots(2);
        assertThat(gate.takeSlots(1)).isEqualTo(1);
        assertThat(gate.snapshot().availableInFlight()).isEqualTo(1);
    }

    @Test
    void anUnlimitedGateGivesWhatIsAsked() {
        UpstreamGate gate = new UpstreamGate("u", 0, 0, 0, Duration.ofSeconds(1), RateLimiterRegistry.ofDefaults());

        assertThat(gate.takeSlots(500)).isEqualTo(500);
        assertThat(gate.takeRequestPermits(500)).isEqualTo(500);
        assertThat(gate.reserveTokens(1_000_000)).isEqualTo(Duration.ZERO);
    }

    @Test
    void neverGivesMoreRequestPermitsThanOnePeriodHolds() {
        UpstreamGate gate =
                new UpstreamGate("u", 12_000, 0, 0, Duration.ofSeconds(1), RateLimiterRegistry.ofDefaults());

        int taken = gate.takeRequestPermits(1000);

        assertThat(taken).isBetween(1, 10);
        assertThat(gate.untilNextRequestPermit()).isLessThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void reservesTokensAheadAndRefusesWhatCannotBeCoveredInTime() {
        // 6000 tokens/min = 5 tokens per 50 ms; the wait limit is 1 s, about 100 tokens.
        UpstreamGate gate = new UpstreamGate("u", 0, 6000, 0, Duration.ofSeconds(1), RateLimiterRegistry.ofDefaults());

        Duration first = gate.reserveTokens(50);
        assertThat(first).isNotNull().isLessThanOrEqualTo(Duration.ofMillis(500));
        assertThat(gate.reserveTokens(500)).isNull();
    }

    @Test
    void keepsNoMoreInFlightThanTheUpstreamsBudgetCoversAndProbesAfterAPause() {
        UpstreamGate gate = new UpstreamGate("u", 0, 0, 0, Duration.ofSeconds(1), RateLimiterRegistry.ofDefaults());

        gate.admitByBudget(3);
        assertThat(gate.takeSlots(10)).isEqualTo(3);
        assertThat(gate.takeSlots(10)).isZero();
        gate.releaseSlots(3);

        gate.pause(Duration.ofMillis(1));
        assertThat(gate.takeSlots(10))
                .as("one job probes the budget after a pause")
                .isEqualTo(1);
        gate.releaseSlots(1);

        gate.admitByBudget(null);
        assertThat(gate.takeSlots(10)).isEqualTo(10);
    }
}
