package dev.sluice.runtime;

/**
 * When a {@link Background} component's loops start, relative to the others: in this order, each
 * stage's first passes done before the next starts; they stop in the reverse order, each stage's
 * work finished (or its grace spent) before the one before it stops.
 */
public enum Stage {
    /** The tables every write needs: today's partitions exist before anything is claimed. */
    TABLES,
    /** This instance counted, and its share of each limit set, before its first claim; it leaves last. */
    MEMBERSHIP,
    /** What working loops lean on until their last job is done: lease renewal, outcome writing. */
    SERVICES,
    /** Claims, polls, callbacks, announcements, rescue, snapshots. */
    WORK
}
