package dev.sluice.job;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Encodes new jobs of one batch as rows of PostgreSQL's COPY text format, in the column order of
 * {@link JobIntake#copyIn}. A batch is encoded while it is validated, so that the database sees
 * it only once it is known to be whole and good, as one COPY.
 */
public final class JobCopyEncoder {

    private final String batchId;
    private final String nowText;
    private final StringBuilder line = new StringBuilder(512);

    public JobCopyEncoder(long batchId, Instant now) {
        this.batchId = Long.toString(batchId);
        this.nowText = now.toString();
    }

    public void write(NewJob job, OutputStream out) {
        line.setLength(0);
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
        line.append(nowText).append('\n');
        try {
            out.write(line.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
