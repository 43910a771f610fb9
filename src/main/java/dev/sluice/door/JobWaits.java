package dev.sluice.door;

import dev.sluice.job.Job;
import dev.sluice.job.JobRepository;
import dev.sluice.job.JobService;
import dev.sluice.job.JobState;
import dev.sluice.project.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Waits for a job a door's client is waiting on, by reading its row: every 20 ms at first, then
 * less often, up to every 250 ms. A job that is sent at once is answered at once, a thousand held
 * requests cost at most 4,000 primary-key reads a second, and a request that comes again at once
 * (a client re-polling) only starts another such wait.
 */
@Component
public class JobWaits {

    private static final Duration FIRST_LOOK = Duration.ofMillis(20);
    private static final Duration LONGEST_LOOK = Duration.ofMillis(250);

    private final JobService jobs;
    private final JobRepository states;
    private final Clock clock;

    JobWaits(JobService jobs, JobRepository states, Clock clock) {
        this.jobs = jobs;
        this.states = states;
        this.clock = clock;
    }

    /** The job once it has finished, or as it is when {@code wait} has passed. */
    public Job await(long jobId, Caller caller, Duration wait) throws InterruptedException {
        Instant deadline = clock.instant().plus(wait);
        Job job = jobs.get(jobId, caller.visibility());
        Duration look = FIRST_LOOK;
        // Only the state is read while waiting (a job's payload and result may be megabytes);
        // the whole job once more at the end.
        for (JobState state = job.state(); !state.isFinal(); state = states.stateOf(jobId)) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (!left.isPositive()) {
                break;
            }
            Thread.sleep(look.compareTo(left) < 0 ? look : left);
            look = look.multipliedBy(2).compareTo(LONGEST_LOOK) > 0 ? LONGEST_LOOK : look.multipliedBy(2);
        }
        return jobs.get(jobId, caller.visibility());
    }
}
