package dev.sluice.project;

import dev.sluice.job.Priority;
import java.util.Set;

/**
 * A project: the keys, jobs and batches of one team. Its limits are optional (null: none):
 * {@code maxQueued} jobs queued at once, the priorities it may use, the most jobs in one batch.
 * {@code weight} sets its turns against other projects within one priority (default 1).
 */
public record Project(
        long id,
        String name,
        int weight,
        Long maxQueued,
        Set<Priority> allowedPriorities,
        Integer maxBatchJobs,
        boolean hasCallbackSecret) {

    /** What a project name must look like: the rule as said in an answer, and as checked. */
    public static final String NAME_RULE =
            "must be 1 to 63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit";

    public static boolean validName(String name) {
        return name != null && name.matches("[a-z0-9][a-z0-9._-]{0,62}");
    }
}
