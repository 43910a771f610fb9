package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.upstream.UpstreamProperties.ModelLimits;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModelGateTest {

    private ModelGate gate(ModelLimits limits) {
        return new ModelGate(
                "u", "m", limits, Duration.ofSeconds(1), Duration.ofSeconds(1), RateLimiterRegistry.ofDefaults());
    }

    @Test
    void aDailyLimitCountsWhatTheDatabaseSaysWasSentAndWhatThisInstanceSentSince() {
        ModelGate m = gate(new ModelLimits(0, 0, 3, 0));
        assertThat(m.dayStale()).isTrue();

        m.dayRead(2, 0);

        assertThat(m.dayStale()).isFalse();
        assertThat(m.takeDay(10)).isTrue();
        assertThat(m.takeDay(10)).as("3 sent in the last 24 hours").isFalse();
        assertThat(m.open()).isFalse();
    }

    @Test
    void eachInstanceMayUseItsShareOfWhatIsLeftOfTheDay() {
        ModelGate m = gate(new ModelLimits(0, 0, 0, 1000));
        m.shareBetween(2);
        m.dayRead(10, 400);

        assertThat(m.takeDay(250)).isTrue();
        assertThat(m.takeDay(100))
                .as("this instance's half of the 600 tokens left")
                .isFalse();
        assertThat(m.takeDay(50)).isTrue();
    }

    @Test
    void aModelPacedOnItsOwnKeepsALeadOfItsRate() {
        // 600 a minute: 10 a second, a lead of 10.
        ModelGate m = gate(new ModelLimits(600, 0, 0, 0));
        assertThat(m.paced()).isTrue();
        assertThat(m.leadRoom()).isEqualTo(10);
        for (int i = 0; i < 6; i++) {
            m.joinedLead();
        }
        assertThat(m.leadRoom()).isZero();
        m.leftLead();
        assertThat(m.leadRoom()).isEqualTo(5);
    }
}
