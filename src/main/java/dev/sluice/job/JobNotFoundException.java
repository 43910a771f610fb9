package dev.sluice.job;

/** No job has this id. */
public class JobNotFoundException extends RuntimeException {

    private final long jobId;

    public JobNotFoundException(long jobId) {
        super("no job with id " + jobId);
        this.jobId = jobId;
    }

    public long jobId() {
        return jobId;
    }
}
