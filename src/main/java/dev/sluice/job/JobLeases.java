package dev.sluice.job;

import java.time.Instant;
import java.util.Collection;

/** Leases of work in flight: renewed while it runs, rescued when its holder is gone, handed back at shutdown. */
public interface JobLeases {

    /**
     * Extends to {@code until} the leases {@code owner} still holds under these fences on jobs in
     * {@code state} (claims being sent, polls under way), so live work is never rescued. A fence
     * that no longer matches (the job was rescued, cancelled, finished, or moved on to the next
     * state) is skipped. Returns how many were extended.
     */
    int renewLeases(String owner, JobState state, Collection<Fence> fences, Instant until);

    /**
     * Returns up to {@code limit} claimed jobs whose lease expired to the queue (or fails them when
     * that was their last attempt). Returns how many it moved.
     */
    default int rescueExpiredClaims(Instant now, int limit) {
        return rescueExpiredClaims(now, Instant.EPOCH, limit);
    }

    /**
     * As above; the claims of an instance whose last heartbeat is older than
     * {@code ownersDeadBefore} are rescued too, before their lease expires.
     */
    int rescueExpiredClaims(Instant now, Instant ownersDeadBefore, int limit);

    /**
     * Hands back everything {@code owner} holds, at its shutdown: claimed jobs go back to the queue
     * (their attempt stays used: they may have been sent), and poll leases are dropped, so any
     * instance takes them over at once instead of after the lease. Returns how many jobs.
     */
    int releaseLeases(String owner, Instant now);
}
