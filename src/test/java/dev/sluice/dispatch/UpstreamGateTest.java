package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class UpstreamGateTest {

    /** A gate with these limits (0: none), a 1-s token wait and a 1-s lead, no model limits. */
    private static UpstreamGate gate(long requestsPerMinute, long tokensPerMinute, int maxInFlight) {
        return new UpstreamGate(
                "u",
                requestsPerMinute,
                tokensPerMinute,
                maxInFlight,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                java.util.Map.of(),
                RateLimiterRegistry.ofDefaults());
    }

    @Test
    void spreadsAPerMinuteLimitOverShortPeriods() {
        RateLimiterConfig six100 = RequestPacer.config(600, Duration.ZERO);
        assertThat(six100.getLimitForPeriod()).isEqualTo(1);
        assertThat(six100.getLimitRefreshPeriod()).isEqualTo(Duration.ofMillis(100));

        RateLimiterConfig twelveK = RequestPacer.config(12_000, Duration.ZERO);
        assertThat(twelveK.getLimitForPeriod()).isEqualTo(10);
        assertThat(twelveK.getLimitRefreshPeriod()).isEqualTo(Duration.ofMillis(50));

        RateLimiterConfig thirty = RequestPacer.config(30, Duration.ZERO);
        assertThat(thirty.getLimitForPeriod()).isEqualTo(1);
        assertThat(thirty.getLimitRefreshPeriod()).isEqualTo(Duration.ofSeconds(2));

        RateLimiterConfig odd = RequestPacer.config(1000, Duration.ZERO);
        double perMinute =
                odd.getLimitForPeriod() * 60_000.0 / odd.getLimitRefreshPeriod().toMillis();
        assertThat(perMinute).isCloseTo(1000, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void takesNoMoreInFlightSlotsThanTheCap() {
        UpstreamGate gate = gate(0, 0, 3);

        assertThat(gate.takeSlots(10)).isEqualTo(3);
        assertThat(gate.takeSlots(10)).isZero();
        gate.releaseSlots(2);
        assertThat(gate.takeSlots(1)).isEqualTo(1);
        assertThat(gate.snapshot().availableInFlight()).isEqualTo(1);
    }

    @Test
    void anUnlimitedGateGivesWhatIsAsked() {
        UpstreamGate gate = gate(0, 0, 0);

        assertThat(gate.takeSlots(500)).isEqualTo(500);
        assertThat(gate.reserveTokens(1_000_000)).isEqualTo(Duration.ZERO);
    }

    @Test
    void givesEachSendItsOwnMomentAtTheConfiguredRate() throws Exception {
        // 1,200 a minute: one permit every 50 ms, however many senders ask at once.
        RequestPacer pacer = new RequestPacer("p", 1200, Duration.ofSeconds(3), RateLimiterRegistry.ofDefaults());

        long[] slots = new long[6];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = pacer.awaitSlot();
        }

        for (int i = 1; i < slots.length; i++) {
            assertThat(slots[i] - slots[i - 1]).as("gap before send %d", i).isGreaterThanOrEqualTo(45_000_000L);
        }
    }

    @Test
    void aNewShareHandsOutNothingBeforeTheOldOnesLastMoment() throws Exception {
        RequestPacer pacer = new RequestPacer("p", 600, Duration.ofSeconds(3), RateLimiterRegistry.ofDefaults());
        // 600 a minute: one every 100 ms. A second sender reserves the next moment and sleeps.
        long now = pacer.awaitSlot();
        CompletableFuture<Long> ahead = CompletableFuture.supplyAsync(() -> {
            try {
                return pacer.awaitSlot();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> pacer.lastSlot() > now);

        pacer.shareBetween(2);
        long first = pacer.awaitSlot();

        assertThat(first)
                .as("the rebuilt limiter starts after the old one's last moment")
                .isGreaterThanOrEqualTo(ahead.get());
        assertThat(pacer.share()).isEqualTo(2);
    }

    @Test
    void aJoiningInstanceSendsNothingBeforeItsHold() throws Exception {
        RequestPacer pacer = new RequestPacer("p", 60_000, Duration.ofSeconds(3), RateLimiterRegistry.ofDefaults());
        long holdUntil = System.nanoTime() + 200_000_000L;

        pacer.holdUntil(holdUntil);

        assertThat(pacer.awaitSlot()).isGreaterThanOrEqualTo(holdUntil);
    }

    @Test
    void keepsALeadOfAboutOneSecondOfTheRateAndAsksForMoreWhenItIsHalfGone() {
        // 12,000 a minute = 200 a second; a 1-second lead holds 200 claimed jobs.
        UpstreamGate gate = gate(12_000, 0, 0);

        assertThat(gate.leadRoom()).isEqualTo(200);
        gate.joinedLead(150);
        assertThat(gate.leadRoom()).as("more than half full: claim nothing").isZero();
        boolean wake = false;
        for (int i = 0; i < 50; i++) {
            wake = gate.leftLead();
        }
        assertThat(wake)
                .as("the claimer is woken when the lead is down to half")
                .isTrue();
        assertThat(gate.leadRoom()).isEqualTo(100);

        gate.shareBetween(2);
        assertThat(gate.leadCap()).as("half the rate, half the lead").isEqualTo(100);
    }

    @Test
    void anUnlimitedUpstreamHasNoLeadBound() {
        UpstreamGate gate = gate(0, 0, 0);

        assertThat(gate.leadRoom()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void reservesTokensAheadAndRefusesWhatCannotBeCoveredInTime() {
        // 6000 tokens/min = 5 tokens per 50 ms; the wait limit is 1 s, about 100 tokens.
        UpstreamGate gate = gate(0, 6000, 0);

        Duration first = gate.reserveTokens(50);
        assertThat(first).isNotNull().isLessThanOrEqualTo(Duration.ofMillis(500));
        assertThat(gate.reserveTokens(500)).isNull();
    }

    @Test
    void keepsNoMoreInFlightThanTheUpstreamsBudgetCoversAndProbesAfterAPause() {
        UpstreamGate gate = gate(0, 0, 0);

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
