package dev.sluice.door.openai;

import dev.sluice.upstream.Protocol;
import dev.sluice.upstream.UpstreamProperties;
import dev.sluice.upstream.Upstreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * Where a request through the door goes: the upstream that lists its model under {@code
 * sluice.upstreams.<name>.models} (the first by name, if several do), else the door's default
 * upstream; and the path there that serves the door's path ({@code /v1/chat/completions} goes to
 * the upstream endpoint ending in it, so Groq's {@code /openai/v1/chat/completions}).
 */
@Component
class ModelRoutes {

    /** The door's paths, as OpenAI names them. */
    static final List<String> PATHS = List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings");

    /** Where one request goes, or why it cannot go anywhere ({@code field}, {@code rule}). */
    record Route(String upstream, String endpoint, String field, String rule) {
        boolean refused() {
            return rule != null;
        }
    }

    private final Upstreams upstreams;
    private final String defaultUpstream;

    ModelRoutes(Upstreams upstreams, OpenAiDoorProperties properties) {
        this.upstreams = upstreams;
        String configured = properties.defaultUpstream();
        if (configured != null) {
            UpstreamProperties.Config config = upstreams.config(configured);
            if (config == null || !served(config)) {
                throw new IllegalArgumentException("sluice.doors.openai.default-upstream is '" + configured
                        + "', which is not a configured upstream of protocol openai or noop");
            }
        }
        UpstreamProperties.Config global = upstreams.config(upstreams.defaultName());
        this.defaultUpstream = configured != null
                ? configured
                : global != null && global.protocol() == Protocol.OPENAI ? upstreams.defaultName() : null;
    }

    /** The route of {@code model} on the door's {@code path} (one of {@link #PATHS}). */
    Route route(String model, String path) {
        String upstream = upstreamOf(model);
        if (upstream == null) {
            return new Route(
                    null,
                    null,
                    "body.model",
                    "must be a model an upstream lists (sluice.upstreams.<name>.models), one of " + models()
                            + "; there is no default upstream for other models (sluice.doors.openai.default-upstream)");
        }
        UpstreamProperties.Config config = upstreams.config(upstream);
        if (config.protocol() == Protocol.NOOP) {
            return new Route(upstream, path, null, null);
        }
        String endpoint = null;
        for (String e : config.endpoints()) {
            if (e.equals(path)) {
                endpoint = e;
                break;
            }
            if (endpoint == null && e.endsWith(path)) {
                endpoint = e;
            }
        }
        if (endpoint == null) {
            return new Route(
                    upstream,
                    null,
                    "url",
                    "must be a path upstream '" + upstream + "' serves; it sends to " + config.endpoints()
                            + " (sluice.upstreams." + upstream + ".endpoints)");
        }
        return new Route(upstream, endpoint, null, null);
    }

    /** The models the door routes by name, sorted. */
    Set<String> models() {
        Set<String> models = new TreeSet<>();
        for (String name : upstreams.names()) {
            UpstreamProperties.Config config = upstreams.config(name);
            if (served(config)) {
                models.addAll(config.models().keySet());
            }
        }
        return models;
    }

    /** The upstreams the door sends to: those listing models, and the default. */
    List<String> upstreamNames() {
        List<String> names = new ArrayList<>();
        for (String name : upstreams.names()) {
            UpstreamProperties.Config config = upstreams.config(name);
            if (served(config) && (!config.models().isEmpty() || name.equals(defaultUpstream))) {
                names.add(name);
            }
        }
        return names;
    }

    private String upstreamOf(String model) {
        for (String name : upstreams.names()) {
            UpstreamProperties.Config config = upstreams.config(name);
            if (served(config) && config.models().containsKey(model)) {
                return name;
            }
        }
        return defaultUpstream;
    }

    private static boolean served(UpstreamProperties.Config config) {
        return config.protocol() == Protocol.OPENAI || config.protocol() == Protocol.NOOP;
    }
}
