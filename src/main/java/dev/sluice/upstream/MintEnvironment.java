package dev.sluice.upstream;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The real mint (or Tinker) service, configured the seed's way: when {@code MINT_API_KEY} or
 * {@code TINKER_API_KEY} is set, an upstream named {@code mint} (protocol {@code tinker}, base URL
 * from {@code MINT_BASE_URL} or {@code TINKER_BASE_URL}, else {@value #DEFAULT_BASE_URL}; default
 * model from {@code MINT_BASE_MODEL}, else {@value #DEFAULT_MODEL}) becomes the default upstream.
 * These settings rank below the command line, system properties and the environment's own
 * {@code SLUICE_*} variables, and above application.properties, so anything set explicitly wins.
 * {@code sluice.mint.from-environment=false} turns it off (the tests do, so that a developer's key
 * never sends test traffic to the real service).
 */
class MintEnvironment implements EnvironmentPostProcessor {

    static final String SOURCE = "sluice-mint-from-environment";
    static final String DEFAULT_BASE_URL = "https://mint.macaron.xin/";
    static final String DEFAULT_MODEL = "Qwen/Qwen3-0.6B";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getProperty("sluice.mint.from-environment", Boolean.class, true)) {
            return;
        }
        String key = first(environment, "MINT_API_KEY", "TINKER_API_KEY");
        if (key == null) {
            return;
        }
        Map<String, Object> mint = new LinkedHashMap<>();
        mint.put("sluice.upstreams.mint.protocol", "tinker");
        mint.put(
                "sluice.upstreams.mint.base-url",
                orDefault(first(environment, "MINT_BASE_URL", "TINKER_BASE_URL"), DEFAULT_BASE_URL));
        mint.put("sluice.upstreams.mint.api-key", key);
        mint.put(
                "sluice.upstreams.mint.default-model", orDefault(first(environment, "MINT_BASE_MODEL"), DEFAULT_MODEL));
        mint.put("sluice.default-upstream", "mint");
        MapPropertySource source = new MapPropertySource(SOURCE, mint);
        String env = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
        if (environment.getPropertySources().contains(env)) {
            environment.getPropertySources().addAfter(env, source);
        } else {
            environment.getPropertySources().addLast(source);
        }
    }

    private static String first(ConfigurableEnvironment environment, String... names) {
        for (String name : names) {
            String value = environment.getProperty(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
