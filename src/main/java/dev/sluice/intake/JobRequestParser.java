package dev.sluice.intake;

import dev.sluice.callback.CallbackProperties;
import dev.sluice.callback.CallbackTargets;
import dev.sluice.job.NewJob;
import dev.sluice.job.Priority;
import dev.sluice.job.StorableJson;
import dev.sluice.job.Violation;
import dev.sluice.upstream.EndpointPath;
import dev.sluice.upstream.UpstreamProperties;
import dev.sluice.upstream.Upstreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Reads one job request (a JSON object with snake_case fields) into a {@link NewJob}, collecting
 * every broken rule rather than stopping at the first, so a client can fix a request in one go.
 */
@Component
public class JobRequestParser {

    static final int MAX_ATTEMPTS = 100;
    static final int MAX_TEXT = 1024;
    static final int MAX_URL = 2048;
    /** Most unstorable strings reported of one request. */
    static final int MAX_TEXT_VIOLATIONS = 100;

    private static final Set<String> FIELDS = Set.of(
            "upstream",
            "endpoint",
            "payload",
            "token_count",
            "priority",
            "callback_url",
            "idempotency_key",
            "max_attempts",
            "custom_id");

    /** Where a request comes from: a single job, or a line of a batch (which may carry custom_id). */
    public enum Source {
        SINGLE,
        BATCH_LINE
    }

    /**
     * Values a request's missing fields take, and whether the request's project signs callbacks
     * with a secret of its own (else only {@code sluice.callbacks.secret} can).
     */
    public record Defaults(String upstream, Priority priority, String idempotencyKey, boolean projectSigns) {}

    /** A field name echoed in an error is cut to this many characters. */
    static final int MAX_ECHOED_NAME = 64;

    private final Upstreams upstreams;
    private final JobProperties properties;
    private final CallbackProperties callbacks;
    private final CallbackTargets targets;
    private final TokenEstimator estimator;

    JobRequestParser(
            Upstreams upstreams, JobProperties properties, CallbackProperties callbacks, CallbackTargets targets) {
        this.upstreams = upstreams;
        this.properties = properties;
        this.callbacks = callbacks;
        this.targets = targets;
        this.estimator = new TokenEstimator(properties.defaultMaxTokens());
    }

    public Defaults defaults() {
        return new Defaults(upstreams.defaultName(), Priority.LOW, null, false);
    }

    /**
     * The job, or the rules it breaks (added to {@code violations}) and null. Nothing a rule
     * refuses reaches the database: text PostgreSQL cannot store, a path that leaves the upstream,
     * a job the upstream's token limit could never let through, a callback into a private network.
     */
    public NewJob parse(JsonNode node, Source source, Defaults defaults, List<Violation> violations) {
        if (node == null || !node.isObject()) {
            violations.add(Violation.of("(body)", "must be a JSON object"));
            return null;
        }
        int before = violations.size();
        for (String name : node.propertyNames()) {
            if (!FIELDS.contains(name)) {
                violations.add(Violation.of(
                        echo(name),
                        "unknown field; known fields are "
                                + FIELDS.stream().sorted().toList()));
            }
        }
        int unknown = violations.size();
        StorableJson.check(node, "", violations, unknown + MAX_TEXT_VIOLATIONS);
        if (violations.size() > unknown) {
            // Text PostgreSQL cannot store: the other rules would only repeat it.
            return null;
        }
        String upstream = text(node, "upstream", MAX_TEXT, violations);
        if (upstream == null) {
            upstream = defaults.upstream();
        } else if (!upstreams.contains(upstream)) {
            violations.add(Violation.of("upstream", "must be a configured upstream, one of " + upstreams.names()));
            upstream = null;
        }
        UpstreamProperties.Config config = upstream == null ? null : upstreams.config(upstream);
        String endpoint = endpoint(node, upstream, config, violations, before);
        JsonNode payload = node.get("payload");
        if (payload == null || payload.isNull()) {
            violations.add(Violation.of("payload", "is required and must be a JSON object"));
        } else if (!payload.isObject()) {
            violations.add(Violation.of("payload", "must be a JSON object"));
        }
        String model =
                config == null || payload == null || !payload.isObject() ? null : model(config, payload, violations);
        Integer tokenCount = integer(node, "token_count", 0, Integer.MAX_VALUE, violations);
        boolean estimated = false;
        if (tokenCount == null
                && !violationFor("token_count", violations, before)
                && config != null
                && payload != null
                && payload.isObject()) {
            tokenCount = estimator.estimate(config.protocol(), model, payload);
            estimated = true;
        }
        if (tokenCount != null
                && config != null
                && config.tokensPerMinute() > 0
                && tokenCount > config.tokensPerMinute()) {
            violations.add(Violation.of(
                    "token_count",
                    (estimated ? "was estimated at " + tokenCount + " (send token_count to say otherwise) and " : "")
                            + "must be at most " + config.tokensPerMinute()
                            + ", the tokens-per-minute limit of upstream '"
                            + upstream + "' (sluice.upstreams." + upstream + ".tokens-per-minute): a larger job"
                            + " could never be sent"));
        }
        Priority priority = defaults.priority();
        JsonNode p = node.get("priority");
        if (p != null && !p.isNull()) {
            priority = p.isString() ? Priority.fromWire(p.stringValue()) : null;
            if (priority == null) {
                violations.add(Violation.of("priority", "must be one of \"high\", \"normal\", \"low\""));
            }
        }
        String callbackUrl = text(node, "callback_url", MAX_URL, violations);
        if (callbackUrl != null) {
            String problem = targets.problem(callbackUrl);
            if (problem != null) {
                violations.add(Violation.of("callback_url", problem));
            } else if (!callbacks.signing() && !defaults.projectSigns()) {
                violations.add(Violation.of(
                        "callback_url",
                        "needs a secret to sign callbacks with: the project's own (callback_secret, set by an"
                                + " admin) or sluice.callbacks.secret on the server"));
            }
        }
        String idempotencyKey = text(node, "idempotency_key", 255, violations);
        if (idempotencyKey != null && source == Source.BATCH_LINE) {
            violations.add(
                    Violation.of(
                            "idempotency_key",
                            "is not taken per batch line: send an Idempotency-Key header for the whole batch, and custom_id per line"));
        }
        if (idempotencyKey == null) {
            idempotencyKey = defaults.idempotencyKey();
        }
        Integer maxAttempts = integer(node, "max_attempts", 1, MAX_ATTEMPTS, violations);
        String customId = text(node, "custom_id", 255, violations);
        if (customId != null && source == Source.SINGLE) {
            violations.add(Violation.of("custom_id", "is only taken on batch lines"));
        }
        if (violations.size() > before) {
            return null;
        }
        return new NewJob(
                upstream,
                endpoint,
                payload.toString(),
                tokenCount,
                priority,
                callbackUrl,
                idempotencyKey,
                maxAttempts == null ? properties.defaultMaxAttempts() : maxAttempts,
                customId,
                model,
                estimated);
    }

    /** Longest model name taken. */
    static final int MAX_MODEL = 256;

    /**
     * The model the payload asks for: {@code model} (openai, noop) or {@code base_model} (tinker,
     * else the upstream's default model); null when it names none.
     */
    private static String model(UpstreamProperties.Config config, JsonNode payload, List<Violation> violations) {
        String field = config.protocol() == dev.sluice.upstream.Protocol.TINKER ? "base_model" : "model";
        JsonNode v = payload.get(field);
        if (v == null || v.isNull()) {
            return field.equals("base_model") ? config.defaultModel() : null;
        }
        if (!v.isString() || v.stringValue().isBlank() || v.stringValue().length() > MAX_MODEL) {
            violations.add(Violation.of(
                    "payload." + field, "must be a non-blank string of at most " + MAX_MODEL + " characters"));
            return null;
        }
        return v.stringValue();
    }

    /** The job's path: given, or the protocol's default; a safe path its upstream sends to. */
    private static String endpoint(
            JsonNode node, String upstream, UpstreamProperties.Config config, List<Violation> violations, int before) {
        String endpoint = text(node, "endpoint", EndpointPath.MAX_LENGTH, violations);
        if (endpoint == null) {
            if (violationFor("endpoint", violations, before)) {
                return null;
            }
            if (config != null && config.defaultEndpoint() != null) {
                return config.defaultEndpoint();
            }
            violations.add(Violation.of("endpoint", "is required: the upstream path this job is sent to"));
            return null;
        }
        String problem = EndpointPath.problem(endpoint);
        if (problem != null) {
            violations.add(Violation.of("endpoint", problem));
        } else if (config != null && !config.sendsTo(endpoint)) {
            violations.add(Violation.of(
                    "endpoint",
                    "must be a path upstream '" + upstream + "' sends to, one of " + config.endpoints()
                            + (config.protocol() == dev.sluice.upstream.Protocol.OPENAI
                                    ? " (sluice.upstreams." + upstream + ".endpoints)"
                                    : "")));
        }
        return endpoint;
    }

    /** A client's field name as it may be shown back: cut short, so an answer stays small. */
    public static String echo(String name) {
        return name.length() <= MAX_ECHOED_NAME ? name : name.substring(0, MAX_ECHOED_NAME) + "…";
    }

    private static boolean violationFor(String field, List<Violation> violations, int from) {
        return violations.subList(from, violations.size()).stream()
                .anyMatch(v -> v.field().equals(field));
    }

    private static String text(JsonNode node, String field, int maxLength, List<Violation> violations) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString() || value.stringValue().isBlank()) {
            violations.add(Violation.of(field, "must be a non-empty string"));
            return null;
        }
        if (value.stringValue().length() > maxLength) {
            violations.add(Violation.of(field, "must be at most " + maxLength + " characters"));
            return null;
        }
        return value.stringValue();
    }

    private static Integer integer(JsonNode node, String field, int min, int max, List<Violation> violations) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        String rule = "must be an integer from " + min + " to " + max;
        if (min == 0 && max == Integer.MAX_VALUE) {
            rule = "must be an integer >= 0";
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            violations.add(Violation.of(field, rule));
            return null;
        }
        return value.intValue();
    }

    /** Checks an Idempotency-Key header the way the body field is checked. */
    public static List<Violation> checkIdempotencyHeader(String key) {
        List<Violation> violations = new ArrayList<>();
        if (key != null && (key.isBlank() || key.length() > 255)) {
            violations.add(Violation.of("Idempotency-Key", "must be a non-empty string of at most 255 characters"));
        } else if (key != null) {
            StorableJson.checkText("Idempotency-Key", key, violations);
        }
        return violations;
    }
}
