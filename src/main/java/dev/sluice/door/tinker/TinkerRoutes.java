package dev.sluice.door.tinker;

import dev.sluice.upstream.Protocol;
import dev.sluice.upstream.UpstreamProperties;
import dev.sluice.upstream.Upstreams;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * The upstream of a base model through the Tinker door: the tinker upstream that lists it under
 * {@code sluice.upstreams.<name>.models} (the first by name), else the door's default upstream.
 */
@Component
class TinkerRoutes {

    private final Upstreams upstreams;
    private final String defaultUpstream;

    TinkerRoutes(Upstreams upstreams, TinkerDoorProperties properties) {
        this.upstreams = upstreams;
        String configured = properties.defaultUpstream();
        if (configured != null && !tinker(upstreams.config(configured))) {
            throw new IllegalArgumentException("sluice.doors.tinker.default-upstream is '" + configured
                    + "', which is not a configured upstream of protocol tinker");
        }
        this.defaultUpstream = configured != null
                ? configured
                : tinker(upstreams.config(upstreams.defaultName())) ? upstreams.defaultName() : null;
    }

    /** The upstream of {@code baseModel}, or null when none takes it. */
    String upstreamOf(String baseModel) {
        for (String name : upstreams.names()) {
            UpstreamProperties.Config config = upstreams.config(name);
            if (tinker(config) && config.models().containsKey(baseModel)) {
                return name;
            }
        }
        return defaultUpstream;
    }

    /** Why {@code baseModel} has no upstream. */
    String refusal() {
        return "must be a base model a tinker upstream lists (sluice.upstreams.<name>.models), one of " + models()
                + "; there is no default upstream for others (sluice.doors.tinker.default-upstream)";
    }

    Set<String> models() {
        Set<String> models = new TreeSet<>();
        for (String name : upstreams.names()) {
            UpstreamProperties.Config config = upstreams.config(name);
            if (tinker(config)) {
                models.addAll(config.models().keySet());
                if (config.defaultModel() != null) {
                    models.add(config.defaultModel());
                }
            }
        }
        return models;
    }

    private static boolean tinker(UpstreamProperties.Config config) {
        return config != null && config.protocol() == Protocol.TINKER;
    }
}
