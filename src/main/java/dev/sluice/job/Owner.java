package dev.sluice.job;

/**
 * Who a new job belongs to: its project (whose turns it takes, with the project's weight, and
 * whose queue limit it counts against; {@code maxQueued} null: none) and the key that made it
 * (null: made by Sluice itself).
 */
public record Owner(long projectId, Long apiKeyId, int weight, Long maxQueued) {

    /** Jobs of the default project, made by Sluice itself, with no limit. */
    public static final Owner SLUICE = new Owner(1, null, 1, null);

    /** The distance between a weight-1 project's turns: a weight divides it (1 to 1,000). */
    static final long TURN = 1_000_000;

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
