package dev.sluice.dashboard;

import dev.sluice.history.JobStatusHistory;
import dev.sluice.job.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A job's life as phases (waiting in Sluice, claimed, waiting upstream, running, done) and, over
 * the same time, the upstream's reported position in its queue: drawn as a chart (the phase as
 * steps, the position on its own axis) and as a bar of the phases' shares of the whole.
 */
final class JobTimeline {

    static final List<String> PHASES = List.of("waiting in Sluice", "claimed", "waiting upstream", "running", "done");

    /** One phase's part of the bar. */
    record Segment(String phase, double seconds, double percent) {}

    private JobTimeline() {}

    /** The chart: x in epoch milliseconds / 1000, phase 1 to 5, and the upstream's position. */
    static Charts.Chart chart(Job job, List<JobStatusHistory> history, Instant now) {
        TreeMap<Instant, Integer> phaseAt = new TreeMap<>();
        List<Instant> starts = starts(job);
        for (int i = 0; i < starts.size(); i++) {
            if (starts.get(i) != null) {
                phaseAt.put(starts.get(i), i + 1);
            }
        }
        TreeMap<Instant, Integer> positionAt = new TreeMap<>();
        for (JobStatusHistory h : history) {
            if (h.queue() != null && h.queue().queuePosition() != null) {
                positionAt.put(h.observedAt(), h.queue().queuePosition());
            }
        }
        java.util.TreeSet<Instant> xs = new java.util.TreeSet<>(phaseAt.keySet());
        xs.addAll(positionAt.keySet());
        Instant end = job.finishedAt() != null ? job.finishedAt() : now;
        xs.add(end);
        List<Object> x = new ArrayList<>();
        List<Object> phase = new ArrayList<>();
        List<Object> position = new ArrayList<>();
        for (Instant t : xs) {
            x.add(t.toEpochMilli() / 1000.0);
            var p = phaseAt.floorEntry(t);
            phase.add(p == null ? null : p.getValue());
            position.add(positionAt.get(t));
        }
        return new Charts.Chart(
                "timeline",
                "Timeline: phase (1 waiting in Sluice, 2 claimed, 3 waiting upstream, 4 running, 5 done)"
                        + " and the upstream's queue position",
                "phase",
                List.of("phase", "upstream queue position"),
                List.of(x, phase, position),
                true);
    }

    /** The phases' durations; the last unfinished phase runs until {@code now}. */
    static List<Segment> segments(Job job, Instant now) {
        List<Instant> starts = starts(job);
        Instant end = job.finishedAt() != null ? job.finishedAt() : now;
        List<Segment> out = new ArrayList<>();
        double total = Math.max(Duration.between(job.createdAt(), end).toMillis() / 1000.0, 0.001);
        for (int i = 0; i < 4; i++) {
            Instant from = starts.get(i);
            if (from == null) {
                continue;
            }
            Instant to = end;
            for (int j = i + 1; j < starts.size(); j++) {
                if (starts.get(j) != null) {
                    to = starts.get(j);
                    break;
                }
            }
            double seconds = Math.max(Duration.between(from, to).toMillis() / 1000.0, 0);
            out.add(new Segment(PHASES.get(i), seconds, Math.round(1000 * seconds / total) / 10.0));
        }
        return out;
    }

    /** When each phase began (null: never, or not known). */
    private static List<Instant> starts(Job job) {
        List<Instant> s = new ArrayList<>();
        s.add(job.createdAt());
        s.add(job.claimedAt());
        s.add(job.submittedAt());
        s.add(job.startedAt() != null ? job.startedAt() : job.upstreamRequestId() == null ? job.submittedAt() : null);
        s.add(job.finishedAt());
        // A synchronous upstream (no request id) runs from sending: no wait upstream shown.
        if (s.get(3) != null && s.get(3).equals(s.get(2))) {
            s.set(2, null);
        }
        return s;
    }
}
