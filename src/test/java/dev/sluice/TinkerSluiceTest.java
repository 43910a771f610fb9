package dev.sluice;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistrar;
import org.springframework.test.context.TestPropertySource;

/**
 * A running Sluice (claimer and poller on) whose upstreams {@code mint} (unlimited) and
 * {@code slowmint} (60 requests a minute) and {@code pacedmint} (1,200 a minute) speak the tinker protocol to the shared in-process
 * emulator over real HTTP. Retries and polls are quick, to keep tests short.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SluiceTest
@Import(TinkerSluiceTest.EmulatorUpstreams.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.upstreams.mint.protocol=tinker",
            "sluice.upstreams.mint.api-key=" + EmulatorServer.API_KEY,
            "sluice.upstreams.mint.timeout=5s",
            "sluice.upstreams.slowmint.protocol=tinker",
            "sluice.upstreams.slowmint.api-key=" + EmulatorServer.API_KEY,
            "sluice.upstreams.slowmint.requests-per-minute=60",
            "sluice.upstreams.slowmint.default-model=Qwen/Qwen3-0.6B",
            "sluice.upstreams.pacedmint.protocol=tinker",
            "sluice.upstreams.pacedmint.api-key=" + EmulatorServer.API_KEY,
            "sluice.upstreams.pacedmint.requests-per-minute=1200",
            "sluice.dispatch.idle-wait=50ms",
            "sluice.dispatch.retry-base-delay=100ms",
            "sluice.dispatch.retry-max-delay=500ms",
            "sluice.polling.idle-wait=50ms",
            "sluice.polling.max-error-backoff=2s"
        })
public @interface TinkerSluiceTest {

    @TestConfiguration(proxyBeanMethods = false)
    class EmulatorUpstreams {
        @Bean
        DynamicPropertyRegistrar emulatorUrls() {
            return registry -> {
                registry.add("sluice.upstreams.mint.base-url", EmulatorServer::sharedUrl);
                registry.add("sluice.upstreams.slowmint.base-url", EmulatorServer::sharedUrl);
                registry.add("sluice.upstreams.pacedmint.base-url", EmulatorServer::sharedUrl);
            };
        }
    }
}
