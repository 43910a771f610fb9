package dev.sluice.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Counts of the queue, for estimates, reports and progress; each served by a partial index. */
public interface JobCounts {

    Map<Priority, Long> countQueuedByPriority();

    /** Queued jobs per upstream and priority. */
    Map<String, Map<Priority, Long>> countQueuedByUpstreamAndPriority();

    /** Queued jobs of one upstream and priority claimed before {@code job}, counted up to {@code cap} at most. */
    long countQueuedBefore(Job job, int cap);

    /** Queued jobs of one upstream and priority claimed from {@code job} on (it and later), up to {@code cap} at most. */
    long countQueuedFrom(Job job, int cap);

    /** Queued jobs of one project by priority (index: job_project_queued_idx). */
    Map<Priority, Long> countQueuedInProjectByPriority(long projectId);

    /** Jobs of a batch, in every state. */
    long countInBatch(long batchId);

    /** Leases held per instance: {@code [claimed, polled]} jobs by lease owner. */
    Map<String, long[]> countLeasesByOwner();

    /** One count of the queue by upstream and state (and priority, for queued jobs). */
    record DepthCount(String upstream, String state, Integer priority, int jobs, Instant oldestCreatedAt) {}

    /**
     * The queue's depth: queued jobs by upstream and priority (with the oldest one's creation time),
     * claimed and submitted by upstream and state, and submit_unknown by upstream.
     */
    List<DepthCount> countQueueDepths();

    /** Queued jobs of the upstream with a higher priority than {@code priority}, up to {@code cap}. */
    long countQueuedHigher(String upstream, Priority priority, int cap);

    /** The first and last queued turns (fair_tag) of one upstream and priority, or null when there are none. */
    long[] queuedTurnRange(String upstream, Priority priority);

    Map<String, Long> countRunningByUpstream();

    /** What was sent to one upstream and model (null: jobs naming none) since a day and a minute ago. */
    record Usage(
            String upstream, String model, long requestsDay, long tokensDay, long requestsMinute, long tokensMinute) {}

    /**
     * Requests and tokens sent per upstream and model since {@code day} and since {@code minute},
     * from the jobs' send times: a job's tokens are what its answer reported, else its token_count.
     */
    java.util.List<Usage> usageSince(Instant day, Instant minute);

    /** Requests and tokens sent to {@code upstream} for {@code model} since {@code since}: {requests, tokens}. */
    long[] sentSince(String upstream, String model, Instant since);

    /** Claimed or submitted jobs of one project, per upstream. */
    Map<String, Long> countRunningByUpstreamInProject(long projectId);

    Map<JobState, Long> countByStateInBatch(long batchId);

    /** Jobs queued and at work (claimed, submitted, submit_unknown) now, of one project and priority. */
    record ProjectLoad(long projectId, Priority priority, long queued, long running) {}

    /** Every project's and priority's queued and running jobs now. */
    List<ProjectLoad> countProjectLoads();

    /**
     * The jobs of one project and priority that finished in a window: how many in each final state,
     * and their waits in Sluice's queue and the upstream's (p50, p99; null when none is known).
     */
    record FinishedWindow(
            long projectId,
            Priority priority,
            int succeeded,
            int failed,
            int cancelled,
            Double queueWaitP50,
            Double queueWaitP99,
            Double upstreamWaitP50,
            Double upstreamWaitP99) {}

    /** The jobs that finished after {@code after} up to {@code upTo}, by project and priority. */
    List<FinishedWindow> finishedBetween(Instant after, Instant upTo);

    /** One project's queued jobs by upstream and priority. */
    Map<String, Map<Priority, Long>> countQueuedByUpstreamAndPriorityInProject(long projectId);
}
