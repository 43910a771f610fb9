package dev.sluice;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * A {@link SluiceTest} whose instance claims nothing by itself: jobs stay where the test puts
 * them. All such tests share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SluiceTest
@TestPropertySource(
        properties = {
            "sluice.dispatch.enabled=false",
            "sluice.upstreams.other.protocol=noop",
            "sluice.upstreams.tink.protocol=tinker",
            "sluice.upstreams.tink.base-url=http://127.0.0.1:9",
            "sluice.upstreams.oai.protocol=openai",
            "sluice.upstreams.oai.base-url=http://127.0.0.1:9",
            "sluice.upstreams.oai.tokens-per-minute=6000",
            "sluice.api.max-job-size=64KB",
            "sluice.api.max-batch-size=32MB",
            "sluice.api.max-reported-errors=5",
            "sluice.api.max-batch-lines=500000",
            "sluice.api.max-concurrent-batches=2",
            "sluice.callbacks.secret=test-secret",
            "sluice.callbacks.allow-private-networks=true"
        })
public @interface QuietSluiceTest {}
