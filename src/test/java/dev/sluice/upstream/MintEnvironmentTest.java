package dev.sluice.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** MINT_API_KEY (or TINKER_API_KEY) makes the real service the default upstream, the seed's way. */
class MintEnvironmentTest {

    /** An environment holding these variables (above the real one, as a test stand-in for it). */
    private static StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("variables", variables));
        env.getPropertySources()
                .addLast(new MapPropertySource(
                        "application.properties",
                        Map.of("sluice.default-upstream", "noop", "sluice.upstreams.noop.protocol", "noop")));
        new MintEnvironment().postProcessEnvironment(env, null);
        return env;
    }

    private static UpstreamProperties bind(StandardEnvironment env) {
        return Binder.get(env).bind("sluice", UpstreamProperties.class).get();
    }

    @Test
    void aMintKeyMakesTheMintUpstreamTheDefaultWithTheSeedsDefaults() {
        UpstreamProperties p = bind(environment(Map.of("MINT_API_KEY", "sk-mint-test")));

        assertThat(p.defaultUpstream()).isEqualTo("mint");
        UpstreamProperties.Config mint = p.upstreams().get("mint");
        assertThat(mint.protocol()).isEqualTo(Protocol.TINKER);
        assertThat(mint.baseUrl()).hasToString("https://mint.macaron.xin/");
        assertThat(mint.apiKey()).isEqualTo("sk-mint-test");
        assertThat(mint.defaultModel()).isEqualTo("Qwen/Qwen3-0.6B");
        assertThat(p.upstreams()).containsKey("noop");
    }

    @Test
    void tinkerNamesWorkTooAndTheBaseUrlAndModelCanBeGiven() {
        UpstreamProperties p = bind(environment(Map.of(
                "TINKER_API_KEY", "tml-test",
                "TINKER_BASE_URL", "http://127.0.0.1:8090",
                "MINT_BASE_MODEL", "Qwen/Qwen3-8B")));

        UpstreamProperties.Config mint = p.upstreams().get("mint");
        assertThat(mint.apiKey()).isEqualTo("tml-test");
        assertThat(mint.baseUrl()).hasToString("http://127.0.0.1:8090");
        assertThat(mint.defaultModel()).isEqualTo("Qwen/Qwen3-8B");
    }

    @Test
    void explicitSettingsWinAndItCanBeTurnedOff() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new MapPropertySource(
                        "commandLineArgs",
                        Map.of(
                                "MINT_API_KEY",
                                "k",
                                "sluice.default-upstream",
                                "noop",
                                "sluice.upstreams.noop.protocol",
                                "noop")));
        new MintEnvironment().postProcessEnvironment(env, null);
        assertThat(bind(env).defaultUpstream())
                .as("the command line outranks it")
                .isEqualTo("noop");

        StandardEnvironment off = environment(Map.of("MINT_API_KEY", "k", "sluice.mint.from-environment", "false"));
        assertThat(bind(off).upstreams()).doesNotContainKey("mint");
        assertThat(bind(environment(Map.of())).upstreams())
                .as("no key, no mint")
                .doesNotContainKey("mint");
    }
}
