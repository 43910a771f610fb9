package dev.sluice.door;

import dev.sluice.job.Job;
import dev.sluice.job.JobService;
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
    private final Clock clock;

    JobWaits(JobService jobs, Clock clock) {
        this.jobs = jobs;
        this.clock = clock;
    }

    /** The job once it has finished, or as it is when {@code wait} has passed. */
    public Job await(long jobId, Caller caller, Duration wait) throws InterruptedException {
        Instant deadline = clock.instant().plus(wait);
        Duration look = FIRST_LOOK;
        while (true) {
            Job job = jobs.get(jobId, caller.visibility());
            Duration left = Duration.between(clock.instant(), deadline);
            if (job.state().isFinal() || !left.isPositive()) {
                return job;
            }
            Thread.sleep(look.compareTo(left) < 0 ? look : left);
            look = look.multipliedBy(2).compareTo(LONGEST_LOOK) > 0 ? LONGEST_LOOK : look.multipliedBy(2);
        }
    }
}
