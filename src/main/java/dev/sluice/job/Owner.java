package dev.sluice.job;

import java.util.Set;

/**
 * Who a new job belongs to: its project (whose turns it takes, with the project's weight, whose
 * queue limit it counts against, {@code maxQueued} null: none, and the priorities it may use,
 * {@code allowedPriorities} null: any) and the key that made it (null: made by Sluice itself).
 */
public record Owner(long projectId, Long apiKeyId, int weight, Long maxQueued, Set<Priority> allowedPriorities) {

    /** Jobs of the default project, made by Sluice itself, with no limit. */
    public static final Owner SLUICE = new Owner(1, null, 1, null);

    /** The distance between a weight-1 project's turns: a weight divides it (1 to 1,000). */
    static final long TURN = 1_000_000;

    /** An owner that may use every priority. */
    public Owner(long projectId, Long apiKeyId, int weight, Long maxQueued) {
        this(projectId, apiKeyId, weight, maxQueued, null);
    }

    public Owner {
        if (weight < 1 || weight > 1000) {
            throw new IllegalArgumentException("weight must be from 1 to 1000, not " + weight);
        }
    }

    /** The distance between this project's consecutive turns in one lane. */
    public long stride() {
        return TURN / weight;
    }
}
