package dev.sluice.job;

import java.util.Set;

/** Published after jobs for these upstreams were committed, so an idle claimer can wake at once. */
public record JobsEnqueued(Set<String> upstreams) {}
