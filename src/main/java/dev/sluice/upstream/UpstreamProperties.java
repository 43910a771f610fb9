package dev.sluice.upstream;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The upstreams, under {@code sluice.*}.
 *
 * @param defaultUpstream the upstream of a job that names none ({@code sluice.default-upstream},
 *     default {@code noop}); must be one of {@code upstreams}
 * @param upstreams each upstream by name ({@code sluice.upstreams.<name>.*}); application.properties
 *     configures one named {@code noop}
 * @param sessionHeartbeatInterval how often the upstreams' sessions are kept alive
 *     ({@code sluice.session-heartbeat-interval}, default 10 s, as Tinker's own clients do)
 */
@Validated
@ConfigurationProperties("sluice")
public record UpstreamProperties(
        @DefaultValue("noop") @NotBlank String defaultUpstream,
        @NotEmpty Map<String, @Valid @NotNull Config> upstreams,
        @DefaultValue("10s") @NotNull Duration sessionHeartbeatInterval) {

    public UpstreamProperties {
        if (sessionHeartbeatInterval == null || !sessionHeartbeatInterval.isPositive()) {
            throw new IllegalArgumentException(
                    "sluice.session-heartbeat-interval must be positive, was " + sessionHeartbeatInterval);
        }
        upstreams = upstreams == null ? Map.of() : new TreeMap<>(upstreams);
        upstreams.forEach((name, config) -> {
            if (config != null && config.protocol() != Protocol.NOOP && config.baseUrl() == null) {
                throw new IllegalArgumentException("sluice.upstreams." + name + ".base-url is required for protocol "
                        + config.protocol().name().toLowerCase());
            }
        });
        if (!upstreams.isEmpty() && !upstreams.containsKey(defaultUpstream)) {
            throw new IllegalArgumentException("sluice.default-upstream is '" + defaultUpstream
                    + "', which is not one of the configured sluice.upstreams " + upstreams.keySet());
        }
    }

    /**
     * One upstream.
     *
     * @param protocol the wire protocol: {@code tinker}, {@code openai} or {@code noop}; required
     * @param baseUrl where the upstream answers, e.g. {@code http://localhost:8090}; required by
     *     {@code tinker} and {@code openai} (for Groq: {@code https://api.groq.com}, with endpoint
     *     {@code /openai/v1/chat/completions})
     * @param apiKey the credential sent upstream; unused by {@code noop}
     * @param requestsPerMinute jobs sent per minute at most, spread evenly (600 means one every
     *     100 ms, never a burst of 600); 0 = unlimited (default)
     * @param tokensPerMinute sum of the jobs' {@code token_count} sent per minute at most, spread
     *     evenly; 0 = unlimited (default)
     * @param maxInFlight jobs this instance is sending at once, at most (default 10,000); 0 =
     *     unlimited. The default bounds memory: each job being sent holds its request and a virtual
     *     thread, and without a bound a claimer faster than the upstream (or than the outcome
     *     writes) claims the whole queue into memory; 1,000,000 noop jobs ran a 512 MB heap out
     *     of memory that way (bench/run.sh, 2026-11-23)
     * @param timeout longest time one HTTP exchange with the upstream may take, from connecting to
     *     the last byte of its answer (default 30 s); a submit that times out is re-sent with the
     *     same idempotency key
     * @param maxResponseSize the largest answer read from the upstream (default 16MB); a job whose
     *     answer is larger fails, saying so, and the rest of the answer is never read
     * @param endpoints the paths jobs of an {@code openai} upstream may be sent to (default the
     *     chat-completions, completions and embeddings paths under {@code /v1} and {@code
     *     /openai/v1}); a {@code tinker} upstream sends to {@code /api/v1/asample} only, a {@code
     *     noop} upstream takes any path
     * @param defaultModel for a {@code tinker} upstream: the base model of a job whose payload
     *     names neither a {@code sampling_session_id} nor a {@code base_model} (none by default:
     *     such a job fails, saying so)
     * @param models limits of single models under this upstream, by the model name jobs' payloads
     *     give ({@code model}, or {@code base_model} for tinker): {@code
     *     sluice.upstreams.groq.models[llama-3.1-8b-instant].requests-per-day=14400} (the brackets
     *     keep a name with dots or slashes whole). The upstream's own limits still cap their sum.
     */
    public record Config(
            @NotNull Protocol protocol,
            URI baseUrl,
            String apiKey,
            @DefaultValue("0") @PositiveOrZero long requestsPerMinute,
            @DefaultValue("0") @PositiveOrZero long tokensPerMinute,
            @DefaultValue("10000") @PositiveOrZero int maxInFlight,
            @DefaultValue("30s") @NotNull Duration timeout,
            @DefaultValue("16MB") @NotNull DataSize maxResponseSize,
            List<String> endpoints,
            String defaultModel,
            Map<String, @Valid ModelLimits> models) {

        public Config {
            if (maxResponseSize.toBytes() < 1 || maxResponseSize.toBytes() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(
                        "max-response-size must be between 1B and 2GB, was " + maxResponseSize);
            }
            if (endpoints != null && !endpoints.isEmpty() && protocol != Protocol.OPENAI) {
                throw new IllegalArgumentException("endpoints is only taken by protocol openai");
            }
            models = models == null ? Map.of() : Map.copyOf(models);
            endpoints = endpoints == null || endpoints.isEmpty()
                    ? (protocol == Protocol.OPENAI
                            ? EndpointPath.OPENAI
                            : protocol == Protocol.TINKER ? EndpointPath.TINKER : List.of())
                    : List.copyOf(endpoints);
            for (String path : endpoints) {
                String problem = EndpointPath.problem(path);
                if (problem != null) {
                    throw new IllegalArgumentException("endpoints: '" + path + "' " + problem);
                }
            }
        }

        /** Config with the defaults of everything but the protocol, for tests and the noop upstream. */
        public static Config of(Protocol protocol, URI baseUrl) {
            return new Config(
                    protocol,
                    baseUrl,
                    null,
                    0,
                    0,
                    10_000,
                    Duration.ofSeconds(30),
                    DataSize.ofMegabytes(16),
                    null,
                    null,
                    null);
        }

        /** Whether jobs of this upstream may be sent to {@code path} (any path for noop). */
        public boolean sendsTo(String path) {
            return protocol == Protocol.NOOP || endpoints.contains(path);
        }

        /** The path of a job that names none, or null when a job must name one. */
        public String defaultEndpoint() {
            return protocol == Protocol.TINKER ? EndpointPath.TINKER.getFirst() : null;
        }
    }

    /**
     * One model's limits under its upstream, as Groq states them per model; 0 = none (default).
     * Requests and tokens per day are counted over the last 24 hours from what was sent (the
     * database's record), so a restart or a new instance does not start a fresh day.
     */
    public record ModelLimits(
            @DefaultValue("0") @PositiveOrZero long requestsPerMinute,
            @DefaultValue("0") @PositiveOrZero long tokensPerMinute,
            @DefaultValue("0") @PositiveOrZero long requestsPerDay,
            @DefaultValue("0") @PositiveOrZero long tokensPerDay) {}
}
