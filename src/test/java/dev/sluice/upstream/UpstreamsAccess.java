package dev.sluice.upstream;

import tools.jackson.databind.json.JsonMapper;

/** Builds {@link Upstreams} for unit tests (no database: noop upstreams only). */
public class UpstreamsAccess {

    public Upstreams of(UpstreamProperties properties) {
        return new Upstreams(properties, null, JsonMapper.builder().build());
    }
}
