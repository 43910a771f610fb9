package dev.sluice.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.SluiceTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/**
 * A background loop that dies takes the instance's health DOWN, so a supervisor restarts it. Here a
 * loop's pass throws an {@link Error} (as a bug deep in a pass would): the loop boundary lets it
 * end the loop, and {@code /actuator/health} answers 503 naming the loops. Before, health stayed UP
 * while the loops were dead.
 */
@SluiceTest
@Import(LoopHealthTest.DyingLoop.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class LoopHealthTest {

    @TestConfiguration(proxyBeanMethods = false)
    static class DyingLoop {
        @Bean
        Background dyingLoop() {
            Loop loop = new Loop("test-dying-loop", () -> {
                        throw new StackOverflowError("a pass recursed without end");
                    })
                    .firstPassAfter(Duration.ofMillis(50));
            return new Background() {
                @Override
                public Stage stage() {
                    return Stage.WORK;
                }

                @Override
                public List<Loop> loops() {
                    return List.of(loop);
                }
            };
        }
    }

    @LocalServerPort
    int port;

    @Test
    void aDeadLoopTakesHealthDown() {
        Api api = new Api(port);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/actuator/health").status() == 503);

        JsonNode health = api.get("/actuator/health").json();
        assertThat(health.get("status").asString()).isEqualTo("DOWN");
        assertThat(health.at("/components/loops/status").asString()).isEqualTo("DOWN");
        assertThat(health.at("/components/db/status").asString()).isEqualTo("UP");
    }
}
