package dev.sluice.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes new jobs of one batch as rows of PostgreSQL's COPY text format, in the column order of
 * {@link JobIntake#copyIn}. A batch is encoded while it is validated, so that the database sees
 * it only once it is known to be whole and good, as one COPY.
 *
 * <p>A row's first field, its turn (fair_tag), is not known while the batch is read: the turns are
 * reserved only once the batch is whole, per lane (upstream and priority). So each row starts with
 * its lane's number, and {@link #stamp} replaces that with the turn as the rows stream into COPY.
 */
public final class JobCopyEncoder {

    /** The jobs of one upstream and priority in the batch, in the order the lanes first appeared. */
    public record Lane(String upstream, Priority priority, long jobs) {}

    private record LaneKey(String upstream, Priority priority) {}

    private final String batchId;
    private final String nowText;
    private final String ownerText;
    private final StringBuilder line = new StringBuilder(512);
    private final Map<LaneKey, Integer> laneNumbers = new HashMap<>();
    private final List<LaneKey> lanes = new ArrayList<>();
    private final List<long[]> laneJobs = new ArrayList<>();

    public JobCopyEncoder(long batchId, Owner owner, Instant now) {
        this.batchId = Long.toString(batchId);
        this.nowText = now.toString();
        this.ownerText = owner.projectId() + "\t" + (owner.apiKeyId() == null ? "\\N" : owner.apiKeyId());
    }

    public void write(NewJob job, OutputStream out) {
        LaneKey key = new LaneKey(job.upstream(), job.priority());
        int lane = laneNumbers.computeIfAbsent(key, k -> {
            lanes.add(k);
            laneJobs.add(new long[1]);
            return lanes.size() - 1;
        });
        laneJobs.get(lane)[0]++;
        line.setLength(0);
        line.append(lane).append('\t');
        line.append(batchId).append('\t');
        field(job.customId());
        field(job.upstream());
        field(job.endpoint());
        field(job.payloadJson());
        line.append(job.tokenCount()).append('\t');
        line.append(job.priority().rank()).append('\t');
        line.append("queued\t");
        field(job.callbackUrl());
        line.append(job.maxAttempts()).append('\t');
        line.append(nowText).append('\t');
        line.append(nowText).append('\t');
        line.append(ownerText).append('\t');
        field(job.model());
        line.append(job.tokenEstimated() ? "t" : "f").append('\n');
        try {
            out.write(line.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lanes written so far, numbered as the rows name them (0, 1, ...). */
    public List<Lane> lanes() {
        List<Lane> answer = new ArrayList<>(lanes.size());
        for (int i = 0; i < lanes.size(); i++) {
            answer.add(new Lane(lanes.get(i).upstream(), lanes.get(i).priority(), laneJobs.get(i)[0]));
        }
        return answer;
    }

    /**
     * The rows of {@code encoded} with each lane number replaced by the row's turn: lane i's rows
     * take {@code firstTurns[i]}, then each {@code stride} more, in the order they were written.
     */
    public static InputStream stamp(InputStream encoded, long[] firstTurns, long stride) {
        return new TurnStamps(encoded, firstTurns, stride);
    }

    /** Appends one field and its tab: null as \N; backslash, tab, CR and LF escaped. */
    private void field(String value) {
        if (value == null) {
            line.append("\\N\t");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '\t' -> line.append("\\t");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                default -> line.append(c);
            }
        }
        line.append('\t');
    }
}
