package dev.sluice.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A Sluice process killed with SIGKILL in the one window that matters for double submission: the
 * upstream has taken the request, and we have not yet written that down. The emulator takes the
 * work, then holds its reply; the test kills the instance while it waits.
 */
class SendCrashFaultTest {

    private final FaultRig rig = new FaultRig();

    @AfterEach
    void stopEverything() {
        rig.close();
    }

    @Test
    void aRequestAcceptedJustBeforeTheCrashIsSentAgainWithTheSameKeyAndDoneOnce() throws Exception {
        rig.emulator("--sluice.emulator.workers=4").freshDatabase();
        // A timeout longer than the held reply: the kill, not the client, ends the call.
        Process first = rig.start("sluice.upstreams.mint.timeout=30s");
        rig.awaitSchema();
        rig.emulatorApi().postJson("/emulator/forced", "{\"path\":\"asample\",\"hang_after_ms\":15000,\"count\":1}");
        rig.insertJobs(1);
        awaitAcceptedButNotRecorded();

        rig.kill(first);
        assertThat(rig.text("SELECT state || ' ' || coalesce(upstream_request_id, '-') FROM job"))
                .as("the crash left the job claimed, with no request id written")
                .isEqualTo("claimed -");
        rig.start();

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> rig.text("SELECT state FROM job").equals("succeeded"));
        JsonNode stats = rig.emulatorStats();
        assertThat(stats.get("distinct_requests").asLong()).isEqualTo(1);
        assertThat(stats.get("resubmissions").asLong())
                .as("the re-send carried the same seq_id and key: recognised, not done again")
                .isEqualTo(1);
        assertThat(stats.get("duplicate_submissions").asLong()).isZero();
        assertThat(rig.text("SELECT attempts FROM job"))
                .as("the crashed attempt counts: it reached the upstream")
                .isEqualTo("2");
    }

    @Test
    void withoutIdempotencyTheJobWaitsInSubmitUnknownForAnOperatorInsteadOfBeingSentAgain() throws Exception {
        rig.emulator().freshDatabase();
        String groq = "--sluice.upstreams.groq.";
        String[] withGroq = {groq + "protocol=openai", groq + "base-url=" + rig.emulatorUrl(), groq + "timeout=30s"};
        Process first = rig.start(withGroq);
        rig.awaitSchema();
        rig.emulatorApi()
                .postJson("/emulator/forced", "{\"path\":\"chat_completions\",\"hang_after_ms\":15000,\"count\":1}");
        rig.execute("""
                INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts,
                                 run_after, created_at)
                VALUES ('groq', '/openai/v1/chat/completions',
                        '{"model":"llama-3.1-8b-instant","max_tokens":8,"messages":[{"role":"user","content":"Say hi"}]}',
                        10, 0, 'queued', 5, ?, ?)""", TestClock.now(), TestClock.now());
        awaitAcceptedButNotRecorded();

        rig.kill(first);
        Process second = rig.start(withGroq);

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> rig.text("SELECT state FROM job").equals("submit_unknown"));
        assertThat(rig.text("SELECT error FROM job"))
                .contains("may have been served")
                .contains("retry or cancel");
        assertThat(rig.emulatorStats().get("submissions").asLong())
                .as("not sent again by itself")
                .isEqualTo(1);

        // The documented operator action: retry (a new request, knowingly) or cancel.
        Api sluice = rig.api(second);
        long id = Long.parseLong(rig.text("SELECT id FROM job"));
        assertThat(sluice.postJson("/api/v1/jobs/" + id + "/retry", "").status())
                .isEqualTo(200);
        assertThat(sluice.awaitJobState(id, "succeeded").get("attempts").asInt())
                .isEqualTo(1);
        assertThat(rig.emulatorStats().get("submissions").asLong()).isEqualTo(2);
    }

    /** Waits until the emulator has taken the one request while the job is still only claimed. */
    private void awaitAcceptedButNotRecorded() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> rig.emulatorStats().get("submissions").asLong() == 1
                        && rig.text("SELECT state FROM job").equals("claimed"));
    }
}
