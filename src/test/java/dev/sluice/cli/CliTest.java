package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.TestKeys;
import dev.sluice.TinkerSluiceTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * bin/sluice as a user runs it: a real process (the script, then the CLI from the build's classes),
 * talking HTTP to a running Sluice; the progress bars under a pseudo-terminal (util-linux script).
 */
@TinkerSluiceTest
class CliTest {

    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    Api admin;
    String key;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void setUp() {
        admin = new Api(port);
        Api.Answer k = admin.postJson(
                "/api/v1/keys", """
                {"project":"cli-%s","name":"cli","scopes":["submit","read"],"expires_at":null}""".formatted(UUID.randomUUID().toString().substring(0, 8)));
        key = k.json().get("key").asString();
    }

    private Path batchFile(int lines, String bad) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            b.append("""
                    {"custom_id":"c%d","endpoint":"/api/v1/asample","payload":{"base_model":"Qwen/Qwen3-0.6B","prompt":{"chunks":[]},"num_samples":1},"token_count":5}
                    """.formatted(i));
            if (i == 0 && bad != null) {
                b.append(bad).append('\n');
            }
        }
        Path f = dir.resolve("batch-" + UUID.randomUUID() + ".jsonl");
        Files.writeString(f, b);
        return f;
    }

    private Run sluice(String apiKey, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Path.of("bin", "sluice").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return run(command, apiKey);
    }

    /** The command under a pseudo-terminal, as a person at a terminal runs it. */
    private Run sluiceOnATerminal(String apiKey, String... args) throws Exception {
        StringBuilder line = new StringBuilder("'" + Path.of("bin", "sluice").toAbsolutePath() + "'");
        for (String a : args) {
            line.append(" '").append(a.replace("'", "'\\''")).append("'");
        }
        return run(List.of("script", "-qefc", line.toString(), "/dev/null"), apiKey);
    }

    private Run run(List<String> command, String apiKey) throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("SLUICE_URL", "http://127.0.0.1:" + port);
        env.put("SLUICE_CLASSPATH", System.getProperty("java.class.path"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("TERM", "xterm");
        if (apiKey == null) {
            env.remove("SLUICE_API_KEY");
        } else {
            env.put("SLUICE_API_KEY", apiKey);
        }
        Path out = dir.resolve("out-" + UUID.randomUUID());
        Path err = dir.resolve("err-" + UUID.randomUUID());
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the command ended").isTrue();
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void submitWaitsWithProgressBarsOnATerminalThenStatusResultsJobsAndCancel() throws Exception {
        Path file = batchFile(20, null);

        Run submit =
                sluiceOnATerminal(key, "submit", file.toString(), "--upstream", "mint", "--wait", "--interval", "0.2");

        assertThat(submit.exit()).as(submit.out() + submit.err()).isZero();
        String screen = submit.out();
        assertThat(screen).contains("upload [##############################] 100%");
        assertThat(screen).containsPattern("batch \\d+: 20 jobs");
        assertThat(screen).containsPattern("batch \\d+ \\[#+\\.*\\] +\\d+%");
        assertThat(screen).contains("100%  20/20 jobs");
        assertThat(screen).contains("finished: 20 succeeded, 0 failed, 0 cancelled");
        assertThat(screen).as("the bar redraws itself in place").contains("\r");
        long batch = Long.parseLong(screen.replaceAll("(?s).*batch (\\d+): 20 jobs.*", "$1"));

        Run status = sluice(key, "status", Long.toString(batch), "--output", "json");
        assertThat(status.exit()).isZero();
        JsonNode s = admin.json(status.out());
        assertThat(s.get("finished").asBoolean()).isTrue();
        assertThat(s.get("counts").get("succeeded").asLong()).isEqualTo(20);
        assertThat(sluice(key, "status", Long.toString(batch)).out())
                .contains("succeeded")
                .contains("20/20 done");

        Path results = dir.resolve("out.jsonl");
        Run got = sluice(key, "results", Long.toString(batch), "-o", results.toString());
        assertThat(got.exit()).as(got.err()).isZero();
        assertThat(Files.readAllLines(results))
                .hasSize(20)
                .allSatisfy(l -> assertThat(l).contains("\"state\":\"succeeded\""));

        Run jobs = sluice(
                key,
                "jobs",
                "--state",
                "succeeded",
                "--batch",
                Long.toString(batch),
                "--limit",
                "50",
                "--output",
                "json");
        assertThat(admin.json(jobs.out()).get("jobs").size()).isEqualTo(20);
        assertThat(sluice(key, "jobs", "--state", "failed").out()).startsWith("ID");

        Run cancel = sluice(key, "cancel", Long.toString(batch));
        assertThat(cancel.exit()).isZero();
        assertThat(cancel.out()).contains("cancelled 0 jobs");
    }

    @Test
    void withoutATerminalThereIsNoBarAndJsonIsSluicesAnswer() throws Exception {
        Run submit = sluice(key, "submit", batchFile(3, null).toString(), "--upstream", "mint", "--output", "json");

        assertThat(submit.exit()).as(submit.err()).isZero();
        assertThat(admin.json(submit.out()).get("job_count").asLong()).isEqualTo(3);
        assertThat(submit.err()).doesNotContain("\r").contains("upload [");
    }

    @Test
    void aBadLineIsRefusedWithItsLineNumberAndExitCodeOne() throws Exception {
        Run submit = sluice(
                key,
                "submit",
                batchFile(2, "{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":-1}")
                        .toString());

        assertThat(submit.exit()).isEqualTo(1);
        assertThat(submit.err()).contains("Sluice answered 400").contains("line 2: token_count");
    }

    @Test
    void adminCommandsPauseResumeAndKeys() throws Exception {
        Run refused = sluice(key, "pause", "pacedmint");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("Sluice answered 403");

        assertThat(sluice(TestKeys.ADMIN, "pause", "pacedmint", "--reason", "cli test")
                        .exit())
                .isZero();
        assertThat(admin.get("/api/v1/upstreams").json().toString()).contains("cli test");
        Run resumed = sluice(TestKeys.ADMIN, "resume", "pacedmint");
        assertThat(resumed.out()).contains("resumed pacedmint");

        Run made = sluice(TestKeys.ADMIN, "keys", "create", "--project", "cli-keys", "--name", "ci", "--scope", "read");
        assertThat(made.exit()).as(made.err()).isZero();
        String newKey = made.out().strip();
        assertThat(newKey).startsWith("sk-sluice-");
        assertThat(sluice(newKey, "jobs").exit()).as("the new key works").isZero();
        JsonNode listed = admin.json(
                sluice(TestKeys.ADMIN, "keys", "list", "--output", "json").out());
        long id = listed.get("keys").values().stream()
                .filter(k -> newKey.startsWith(k.get("prefix").asString()))
                .findFirst()
                .orElseThrow()
                .get("id")
                .asLong();
        assertThat(sluice(TestKeys.ADMIN, "keys", "revoke", Long.toString(id)).exit())
                .isZero();
        assertThat(sluice(newKey, "jobs").exit()).as("revoked").isEqualTo(1);

        Run top = sluice(TestKeys.ADMIN, "top", "--once");
        assertThat(top.exit()).isZero();
        assertThat(top.out()).contains("UPSTREAM").contains("mint");
    }

    @Test
    void everyCommandHasHelpAndMistakesAreUsageErrors() throws Exception {
        for (String command :
                List.of("submit", "status", "results", "cancel", "jobs", "pause", "resume", "keys", "top")) {
            Run help = sluice(null, command, "--help");
            assertThat(help.exit()).as(command).isZero();
            assertThat(help.out()).as(command).startsWith("Usage: sluice " + command);
        }
        assertThat(sluice(null, "keys", "create", "--help").out()).contains("--scope");
        assertThat(sluice(null, "submit").exit()).as("no file").isEqualTo(2);
        assertThat(sluice(null, "nonsense").exit()).isEqualTo(2);
        Run noKey = sluice(null, "jobs");
        assertThat(noKey.exit()).isEqualTo(1);
        assertThat(noKey.err()).contains("401").contains("SLUICE_API_KEY");
    }
}
