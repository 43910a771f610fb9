package dev.sluice.job;

import java.time.Instant;
import java.util.List;

/** The claim: queued jobs of one upstream, by priority, leased to one instance. */
public interface JobClaims {

    /**
     * Claims up to {@code limit} queued jobs of one upstream, highest priority first and oldest
     * first within a priority, leasing them to {@code owner}, and gives each a seq_id unless its
     * current request already has one. Returns them in that order.
     */
    default List<ClaimedJob> claimNextBatch(String upstream, int limit, String owner, Instant now, Instant leaseUntil) {
        return claimNextBatch(upstream, List.of(), null, limit, owner, now, leaseUntil);
    }

    /**
     * As {@link #claimNextBatch(String, int, String, Instant, Instant)}, passing over the jobs of
     * the models in {@code skipModels} (paused, at their daily limit, or with a lead of their own),
     * or, with {@code onlyModel}, taking that model's jobs alone.
     */
    List<ClaimedJob> claimNextBatch(
            String upstream,
            List<String> skipModels,
            String onlyModel,
            int limit,
            String owner,
            Instant now,
            Instant leaseUntil);

    /** Whether any job of this upstream could be claimed now (a cheap probe for an idle claimer). */
    boolean hasClaimable(String upstream, Instant now);
}
