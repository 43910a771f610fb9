package dev.sluice.door.openai;

import dev.sluice.job.FinishedJob;
import dev.sluice.job.JobRepository;
import dev.sluice.job.JobState;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * A batch's output and error files, written from its jobs when read (so they grow while the batch
 * runs), in OpenAI's line shape: {@code {"id", "custom_id", "response": {"status_code",
 * "request_id", "body"}, "error"}}. Succeeded jobs make the output file; failed and cancelled ones
 * the error file, with {@code error.code} {@code batch_expired}, {@code batch_cancelled} or
 * {@code upstream_error}. A page of 1,000 jobs per query, no transaction held while writing.
 */
@Component
class BatchOutput {

    static final String EXPIRED = "This request could not be executed before the completion window expired.";
    static final String CANCELLED = "The batch was cancelled before this request was sent.";
    private static final int PAGE = 1000;

    private final JobRepository jobs;
    private final ObjectMapper json;

    BatchOutput(JobRepository jobs, ObjectMapper json) {
        this.jobs = jobs;
        this.json = json;
    }

    /** Writes the output file ({@code succeeded}) or the error file of the batch. */
    void write(long batchId, boolean succeeded, OutputStream out) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        long after = 0;
        for (List<FinishedJob> page = jobs.findFinishedInBatch(batchId, succeeded, after, PAGE);
                !page.isEmpty();
                page = jobs.findFinishedInBatch(batchId, succeeded, after, PAGE)) {
            for (FinishedJob job : page) {
                line(job, w);
                after = job.id();
            }
            w.flush();
        }
        w.flush();
    }

    /** The file's size in bytes, by writing it to nowhere. */
    long bytes(long batchId, boolean succeeded) throws IOException {
        var counting = new OutputStream() {
            long n;

            @Override
            public void write(int b) {
                n++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                n += len;
            }
        };
        write(batchId, succeeded, counting);
        return counting.n;
    }

    private void line(FinishedJob job, Writer w) throws IOException {
        w.write("{\"id\":\"batch_req_");
        w.write(Long.toString(job.id()));
        w.write("\",\"custom_id\":");
        w.write(json.writeValueAsString(job.customId()));
        if (job.state() == JobState.SUCCEEDED) {
            w.write(",\"response\":{\"status_code\":200,\"request_id\":\"req_");
            w.write(Long.toString(job.id()));
            w.write("\",\"body\":");
            w.write(job.resultJson());
            w.write("},\"error\":null}\n");
        } else {
            w.write(",\"response\":null,\"error\":{\"code\":\"");
            w.write(code(job));
            w.write("\",\"message\":");
            w.write(json.writeValueAsString(job.error() == null ? "cancelled" : job.error()));
            w.write("}}\n");
        }
    }

    private static String code(FinishedJob job) {
        if (job.state() == JobState.FAILED) {
            return "upstream_error";
        }
        if (EXPIRED.equals(job.error())) {
            return "batch_expired";
        }
        return CANCELLED.equals(job.error()) ? "batch_cancelled" : "cancelled";
    }
}
