package dev.sluice.pause;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The pauses in force, as this instance knows them: read from {@code upstream_pause} again when
 * another instance announces a change ({@link #CHANNEL}, see {@link #forget}) and, should an
 * announcement be missed, at most {@link #STALE_AFTER} after the last read. So a pause holds on
 * every instance within a second, and across restarts.
 */
@Component
public class Pauses {

    /** The NOTIFY channel every change of {@code upstream_pause} is announced on. */
    public static final String CHANNEL = "sluice_pause";

    /** How old the cached pauses may get before a reader reads them again. */
    static final Duration STALE_AFTER = Duration.ofSeconds(1);

    private record Read(List<Pause> pauses, long atNanos) {}

    private final PauseRepository repository;
    private final Clock clock;
    private volatile Read read;
    private final java.util.concurrent.locks.ReentrantLock reading = new java.util.concurrent.locks.ReentrantLock();
    /** Moves on at each {@link #forget}, so a read begun before it is not kept. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    Pauses(PauseRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /** The pause that stops jobs of {@code upstream} for {@code model} now, if any (the whole upstream's first). */
    public Optional<Pause> stopping(String upstream, String model) {
        Instant now = clock.instant();
        Pause found = null;
        for (Pause p : current()) {
            if (p.covers(upstream, model) && p.holdsAt(now) && (found == null || p.model() == null)) {
                found = p;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Whether the whole upstream is paused now. */
    public boolean wholeUpstreamPaused(String upstream) {
        return stopping(upstream, null).filter(p -> p.model() == null).isPresent();
    }

    /** The models of {@code upstream} paused now (not the whole upstream). */
    public List<String> pausedModels(String upstream) {
        Instant now = clock.instant();
        return current().stream()
                .filter(p -> p.upstream().equals(upstream) && p.model() != null && p.holdsAt(now))
                .map(Pause::model)
                .toList();
    }

    /** Every pause in force now. */
    public List<Pause> inForce() {
        Instant now = clock.instant();
        return current().stream().filter(p -> p.holdsAt(now)).toList();
    }

    /** Stores the pause; it holds here at once, and on the others when they hear of it. */
    public Pause pause(String upstream, String model, String reason, Instant until, String by) {
        Pause saved = repository.save(new Pause(upstream, model, reason, until, clock.instant(), by));
        forget();
        return saved;
    }

    /** Ends the pause of the upstream (model null) or of one model; false if there was none. */
    public boolean resume(String upstream, String model) {
        boolean had = repository.delete(upstream, model);
        forget();
        return had;
    }

    /** Drops what this instance read, so the next reader reads the table again (on an announcement). */
    public void forget() {
        generation.incrementAndGet();
        read = null;
    }

    private List<Pause> current() {
        Read r = read;
        if (r != null && System.nanoTime() - r.atNanos() <= STALE_AFTER.toNanos()) {
            return r.pauses();
        }
        // One reader reads the table; senders asking meanwhile wait for its answer, not a query each.
        // A lock, not a monitor: a virtual thread waiting on it does not hold its carrier.
        reading.lock();
        try {
            r = read;
            if (r == null || System.nanoTime() - r.atNanos() > STALE_AFTER.toNanos()) {
                long before = generation.get();
                r = new Read(List.copyOf(repository.findAll()), System.nanoTime());
                if (generation.get() == before) {
                    read = r;
                }
            }
            return r.pauses();
        } finally {
            reading.unlock();
        }
    }
}
