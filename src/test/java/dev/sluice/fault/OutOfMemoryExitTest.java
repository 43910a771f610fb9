package dev.sluice.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.TestClock;
import dev.sluice.runtime.FatalErrors;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An instance that runs out of memory exits (status 3) for its supervisor to restart, instead of
 * living on with its loops dead and its health UP. The Sluice JVM here is started WITHOUT
 * {@code -XX:+ExitOnOutOfMemoryError}, so what ends it is Sluice's own fallback. The memory runs
 * out the way an operator could make it: a max-response-size far above the heap, and an upstream
 * answering 600 MB.
 */
class OutOfMemoryExitTest {

    private final FaultRig rig = new FaultRig();

    @AfterEach
    void stopEverything() {
        rig.close();
    }

    @Test
    void anInstanceOutOfMemoryExitsForItsSupervisor() throws Exception {
        rig.emulator().freshDatabase();
        String groq = "--sluice.upstreams.groq.";
        Process sluice = rig.startWith(
                List.of("-Xmx192m"),
                groq + "protocol=openai",
                groq + "base-url=" + rig.emulatorUrl(),
                groq + "timeout=60s",
                groq + "max-response-size=2000MB");
        rig.awaitSchema();
        rig.emulatorApi()
                .postJson(
                        "/emulator/forced",
                        "{\"path\":\"chat_completions\",\"status\":200,\"raw_body\":\"xxxxxxxxxxxxxxxx\","
                                + "\"raw_repeat\":40000000,\"count\":1}");
        rig.execute("""
                INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts,
                                 run_after, created_at)
                VALUES ('groq', '/openai/v1/chat/completions', '{"model":"m","messages":[]}', 1, 0, 'queued', 1, ?, ?)""", TestClock.now(), TestClock.now());

        assertThat(sluice.waitFor(90, TimeUnit.SECONDS))
                .as("the instance ended by itself")
                .isTrue();
        assertThat(sluice.exitValue()).isEqualTo(FatalErrors.EXIT_STATUS);
    }
}
