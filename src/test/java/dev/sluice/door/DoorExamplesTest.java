package dev.sluice.door;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.EmulatorServer;
import dev.sluice.PythonClients;
import dev.sluice.SluiceTest;
import dev.sluice.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistrar;
import org.springframework.test.context.TestPropertySource;

/**
 * The README's door examples, run as they are written there (each code block after its {@code
 * <!-- example: name -->} mark), against a Sluice configured as the development run is: the
 * emulator as the tinker upstream {@code emulator}, its OpenAI side as {@code emulator-openai}.
 */
@SluiceTest
@Import(DoorExamplesTest.Upstreams.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.default-upstream=emulator",
            "sluice.upstreams.emulator.protocol=tinker",
            "sluice.upstreams.emulator-openai.protocol=openai",
            "sluice.doors.openai.default-upstream=emulator-openai",
            "sluice.dispatch.idle-wait=50ms",
            "sluice.polling.idle-wait=50ms"
        })
class DoorExamplesTest {

    private static final EmulatorServer.Own EMULATOR = new EmulatorServer.Own();

    static String emulatorUrl() {
        return EMULATOR.url();
    }

    @AfterAll
    static void stopEmulator() {
        EMULATOR.close();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Upstreams {
        @Bean
        DynamicPropertyRegistrar emulatorUrls() {
            return registry -> {
                registry.add("sluice.upstreams.emulator.base-url", DoorExamplesTest::emulatorUrl);
                registry.add("sluice.upstreams.emulator-openai.base-url", () -> emulatorUrl() + "/openai");
            };
        }
    }

    @LocalServerPort
    int port;

    /** The code block after {@code <!-- example: name -->} in the README. */
    static String example(String name) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile(
                        "<!-- example: " + Pattern.quote(name) + " -->\\n```[a-z]*\\n(.*?)```", Pattern.DOTALL)
                .matcher(readme);
        assertThat(m.find()).as("README has the example " + name).isTrue();
        return m.group(1);
    }

    private String runPython(String name) throws Exception {
        Path script =
                Files.createDirectories(Path.of("target", "readme-examples")).resolve(name + ".py");
        Files.writeString(script, example(name));
        return PythonClients.exec(
                List.of(PythonClients.python().toString(), script.toString()),
                Map.of("OPENAI_BASE_URL", "http://localhost:" + port + "/v1", "OPENAI_API_KEY", TestKeys.ADMIN));
    }

    @Test
    void theOpenAiBatchExampleCompletesItsHundredLines() throws Exception {
        List<String> out = runPython("openai-batch").strip().lines().toList();

        assertThat(out.getFirst()).isEqualTo("completed BatchRequestCounts(completed=100, failed=0, total=100)");
        assertThat(out.get(1)).startsWith("q").contains("Emulated answer");
    }

    @Test
    void theOpenAiChatExampleAnswersAndStreams() throws Exception {
        List<String> out = runPython("openai-chat").strip().lines().toList();

        assertThat(out.getFirst()).matches("job [0-9]+ Emulated answer.*");
        assertThat(out.get(1)).startsWith("Emulated answer");
    }

    @Test
    void theTinkerExampleRunsTheSeedLoopToItsResult() throws Exception {
        String command = example("tinker")
                .lines()
                .filter(l -> !l.startsWith("#"))
                .reduce("", (a, b) -> a + b + "\n")
                .replace("http://localhost:8080", "http://localhost:" + port)
                .replace(TestKeys.DEVELOPMENT, TestKeys.ADMIN);

        List<String> out = PythonClients.exec(List.of("bash", "-c", command), Map.of())
                .strip()
                .lines()
                .toList();

        assertThat(out.getFirst()).startsWith("sampling_session_created sampling_session_id=sluice-ss-");
        assertThat(out.getLast())
                .startsWith("result_received request_id=sluice-job-")
                .contains("'sequences'");
    }
}
