/**
 * The upstreams Sluice sends jobs to: one {@link dev.sluice.upstream.Upstream} per configured
 * name, speaking one protocol. Adapters turn the wire's answers into a
 * {@link dev.sluice.upstream.Submission} or a typed {@link dev.sluice.upstream.UpstreamException}.
 */
package dev.sluice.upstream;
