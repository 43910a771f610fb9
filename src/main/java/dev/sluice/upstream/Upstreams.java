package dev.sluice.upstream;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/** The configured upstreams by name, each with its adapter. */
@Component
public class Upstreams {

    private final UpstreamProperties properties;
    private final Map<String, Upstream> adapters = new LinkedHashMap<>();

    Upstreams(UpstreamProperties properties, TinkerSessions sessions, ObjectMapper json) {
        this.properties = properties;
        properties
                .upstreams()
                .forEach((name, config) -> adapters.put(
                        name,
                        switch (config.protocol()) {
                            case NOOP -> new NoopUpstream(name);
                            case TINKER -> new TinkerUpstream(name, config, sessions, json);
                            case OPENAI -> new OpenAiUpstream(name, config, json);
                        }));
    }

    public Set<String> names() {
        return adapters.keySet();
    }

    public boolean contains(String name) {
        return adapters.containsKey(name);
    }

    public String defaultName() {
        return properties.defaultUpstream();
    }

    public Upstream get(String name) {
        Upstream upstream = adapters.get(name);
        if (upstream == null) {
            throw new IllegalArgumentException("no upstream named '" + name + "'");
        }
        return upstream;
    }

    public UpstreamProperties.Config config(String name) {
        return properties.upstreams().get(name);
    }
}
