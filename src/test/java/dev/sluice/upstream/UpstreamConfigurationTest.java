package dev.sluice.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.ApiProperties;
import dev.sluice.dispatch.DispatchProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** Bad configuration stops start-up with a message that names the property. */
class UpstreamConfigurationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({UpstreamProperties.class, DispatchProperties.class, ApiProperties.class})
    static class Properties {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Properties.class)
            .withPropertyValues("sluice.default-upstream=noop", "sluice.upstreams.noop.protocol=noop");

    private void failsNaming(String fragment, String... properties) {
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString()).contains(fragment);
        });
    }

    @Test
    void acceptsTheDefaults() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            UpstreamProperties p = context.getBean(UpstreamProperties.class);
            assertThat(p.upstreams().get("noop").requestsPerMinute()).isZero();
            // Bounded by default: a claimer faster than the upstream must not take the whole queue
            // into memory.
            assertThat(p.upstreams().get("noop").maxInFlight()).isEqualTo(10_000);
        });
    }

    @Test
    void bindsLimitsPerModelWhoseNamesHaveDotsAndSlashes() {
        runner.withPropertyValues(
                        "sluice.upstreams.noop.models[llama-3.1-8b-instant].requests-per-day=14400",
                        "sluice.upstreams.noop.models[Qwen/Qwen3-0.6B].tokens-per-minute=6000")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    UpstreamProperties.Config c = context.getBean(UpstreamProperties.class)
                            .upstreams()
                            .get("noop");
                    assertThat(c.models().get("llama-3.1-8b-instant").requestsPerDay())
                            .isEqualTo(14_400);
                    assertThat(c.models().get("Qwen/Qwen3-0.6B").tokensPerMinute())
                            .isEqualTo(6000);
                    assertThat(c.models().get("other")).isNull();
                });
    }

    @Test
    void rejectsANegativeModelLimit() {
        failsNaming("requestsPerDay", "sluice.upstreams.noop.models[m].requests-per-day=-1");
    }

    @Test
    void rejectsANegativeLimit() {
        failsNaming("requestsPerMinute", "sluice.upstreams.noop.requests-per-minute=-5");
    }

    @Test
    void rejectsAnUnknownProtocol() {
        failsNaming("sluice.upstreams.fast.protocol", "sluice.upstreams.fast.protocol=carrier-pigeon");
    }

    @Test
    void rejectsADefaultUpstreamThatIsNotConfigured() {
        failsNaming("sluice.default-upstream", "sluice.default-upstream=groq");
    }

    @Test
    void rejectsANonsenseBodyLimit() {
        failsNaming("sluice.api.max-batch-size", "sluice.api.max-batch-size=1KB");
    }
}
