package dev.sluice.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointPathTest {

    @ParameterizedTest
    @ValueSource(
            strings = {"/v1/chat/completions", "/openai/v1/embeddings", "/a", "/a.b/c_d/e~f/g-h", "/.../x", "/.x/y."})
    void acceptsNormalisedPathsOfSafeCharacters(String path) {
        assertThat(EndpointPath.problem(path)).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/",
                "v1/chat",
                "//v1",
                "/v1//chat",
                "/v1/",
                "/v1/.",
                "/./v1",
                "/v1/..",
                "/../admin",
                "/v1/chat?x=1",
                "/v1/chat#x",
                "/v1/%2e%2e",
                "/v1/chat completions",
                "/v1/\\u00e9",
                "/v1\\\\admin"
            })
    void refusesEverythingElse(String path) {
        assertThat(EndpointPath.problem(path)).isNotNull();
    }

    @org.junit.jupiter.api.Test
    void refusesAPathOverItsLength() {
        assertThat(EndpointPath.problem("/" + "a".repeat(511))).isNull();
        assertThat(EndpointPath.problem("/" + "a".repeat(512))).contains("at most 512");
    }
}
