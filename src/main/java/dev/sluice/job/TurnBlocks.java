package dev.sluice.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns for single jobs, reserved a block at a time: a lane that enqueues many jobs a second
 * reserves up to {@value #MAX_BLOCK} turns with one statement and hands them out here, so a single
 * enqueue costs no extra statement most of the time. A block is used for at most {@link #FRESH}
 * (the head of the queue moves on meanwhile, so an old block would put its jobs ahead); what is
 * left of it then is given back, and the next block is one turn. A block that runs out while fresh
 * makes the next one twice as large. Within one instance a project's jobs keep their order; across
 * instances, jobs of one project enqueued in the same moment may interleave.
 */
final class TurnBlocks {

    static final int MAX_BLOCK = 64;
    static final Duration FRESH = Duration.ofMillis(500);

    private record Lane(long projectId, String upstream, Priority priority) {}

    /** The turns of one lane not yet handed out: [next, end), each {@code stride} apart. */
    private static final class Block {
        long next;
        long end;
        long stride;
        int size;
        Instant reservedAt;
    }

    private final JobIntake jobs;
    private final Map<Lane, Block> blocks = new ConcurrentHashMap<>();

    TurnBlocks(JobIntake jobs) {
        this.jobs = jobs;
    }

    /** The owner's next turn in the lane. */
    long take(Owner owner, String upstream, Priority priority, Instant now) {
        Block b = blocks.computeIfAbsent(new Lane(owner.projectId(), upstream, priority), l -> new Block());
        synchronized (b) {
            boolean fresh =
                    b.reservedAt != null && now.isBefore(b.reservedAt.plus(FRESH)) && b.stride == owner.stride();
            if (!fresh || b.next >= b.end) {
                int size;
                if (fresh) {
                    size = Math.min(MAX_BLOCK, b.size * 2);
                } else {
                    if (b.reservedAt != null && b.next < b.end) {
                        jobs.releaseTurns(owner, upstream, priority, b.next, (b.end - b.next) / b.stride);
                    }
                    size = 1;
                }
                b.stride = owner.stride();
                b.size = size;
                b.next = jobs.reserveTurns(owner, upstream, priority, size, now);
                b.end = b.next + size * b.stride;
                b.reservedAt = now;
            }
            long turn = b.next;
            b.next += b.stride;
            return turn;
        }
    }

    /** Puts back a turn taken for a job that was not stored, if it was the last one handed out. */
    void giveBack(Owner owner, String upstream, Priority priority, long turn) {
        Block b = blocks.get(new Lane(owner.projectId(), upstream, priority));
        if (b == null) {
            return;
        }
        synchronized (b) {
            if (b.next == turn + b.stride) {
                b.next = turn;
            }
        }
    }
}
