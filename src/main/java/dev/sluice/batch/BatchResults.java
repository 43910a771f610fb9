package dev.sluice.batch;

import dev.sluice.job.FinishedJob;
import dev.sluice.job.JobRepository;
import dev.sluice.job.JobState;
import dev.sluice.job.Visibility;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * Streams a batch's finished jobs as NDJSON, one line each
 * ({@code id, custom_id, state, result | error}), in id order, a page of 1,000 rows per query, so
 * a million results stream in flat memory and no transaction stays open while the client reads.
 */
@Service
public class BatchResults {

    private static final int PAGE = 1000;

    private final BatchRepository batches;
    private final JobRepository jobs;
    private final ObjectMapper json;

    BatchResults(BatchRepository batches, JobRepository jobs, ObjectMapper json) {
        this.batches = batches;
        this.jobs = jobs;
        this.json = json;
    }

    /** Throws {@link BatchNotFoundException} before anything is written. */
    public void checkExists(long batchId, Visibility visibility) {
        BatchProgress.find(batches, batchId, visibility);
    }

    public void write(long batchId, OutputStream out) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        long after = 0;
        for (List<FinishedJob> page = jobs.findFinishedInBatch(batchId, after, PAGE);
                !page.isEmpty();
                page = jobs.findFinishedInBatch(batchId, after, PAGE)) {
            for (FinishedJob job : page) {
                w.write("{\"id\":");
                w.write(Long.toString(job.id()));
                w.write(",\"custom_id\":");
                w.write(json.writeValueAsString(job.customId()));
                w.write(",\"state\":\"");
                w.write(job.state().wireName());
                w.write('"');
                if (job.state() == JobState.SUCCEEDED) {
                    w.write(",\"result\":");
                    w.write(job.resultJson());
                } else {
                    w.write(",\"error\":");
                    w.write(json.writeValueAsString(job.error()));
                }
                w.write("}\n");
                after = job.id();
            }
            w.flush();
        }
        w.flush();
    }
}
