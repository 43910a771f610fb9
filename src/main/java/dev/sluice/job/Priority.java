package dev.sluice.job;

/**
 * A job's priority. The claim takes every queued HIGH job before any NORMAL one and every NORMAL
 * before any LOW; {@link #rank} is the value stored in {@code job.priority} and sorted ascending.
 */
public enum Priority {
    HIGH(0),
    NORMAL(1),
    LOW(2);

    private final short rank;

    Priority(int rank) {
        this.rank = (short) rank;
    }

    public short rank() {
        return rank;
    }

    public String wireName() {
        return name().toLowerCase();
    }

    public static Priority ofRank(int rank) {
        for (Priority p : values()) {
            if (p.rank == rank) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown priority rank " + rank);
    }

    /** The priority for a wire name, or null when the name is not one of high, normal, low. */
    public static Priority fromWire(String value) {
        for (Priority p : values()) {
            if (p.wireName().equals(value)) {
                return p;
            }
        }
        return null;
    }
}
