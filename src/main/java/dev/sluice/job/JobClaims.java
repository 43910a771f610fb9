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
    List<ClaimedJob> claimNextBatch(String upstream, int limit, String owner, Instant now, Instant leaseUntil);

    /** Whether any job of this upstream could be claimed now (a cheap probe for an idle claimer). */
    boolean hasClaimable(String upstream, Instant now);
}
