package dev.sluice.job;

/**
 * What makes a re-send the same request upstream: for Tinker, the sampling session and the
 * {@code seq_id}. Persisted with the job before its first POST.
 */
public record SubmitKey(String session, long seqId) {

    /** The {@code X-Idempotency-Key} that goes with it. */
    public String idempotencyKey(long jobId) {
        return "sluice-" + jobId + "-" + seqId;
    }
}
