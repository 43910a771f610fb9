package dev.sluice.dispatch;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the outcomes handed to the {@link SuccessWriter} whose write has not finished, so that a
 * stopping instance can wait for them before it hands its claims back: a job handed back while its
 * success is still being written would be sent again.
 */
final class PendingWrites {

    private final AtomicInteger pending = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition none = lock.newCondition();

    void started() {
        pending.incrementAndGet();
    }

    void finished() {
        if (pending.decrementAndGet() == 0) {
            lock.lock();
            try {
                none.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits up to {@code grace} for every write under way; true when none is left. */
    boolean awaitNone(Duration grace) throws InterruptedException {
        long left = grace.toNanos();
        lock.lock();
        try {
            while (pending.get() > 0) {
                if (left <= 0) {
                    return false;
                }
                left = none.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
