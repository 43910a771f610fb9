package dev.sluice.job;

/** The job is in a state that does not allow what was asked. */
public class JobStateConflictException extends RuntimeException {

    private final JobState state;

    public JobStateConflictException(long jobId, JobState state, String rule) {
        super("job " + jobId + " is " + state.wireName() + ": " + rule);
        this.state = state;
    }

    public JobState state() {
        return state;
    }
}
