package dev.sluice.node;

import dev.sluice.callback.CallbackRepository;
import dev.sluice.job.JobRepository;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Gives back everything an instance holds when it stops: claimed jobs, poll and callback leases. */
@Component
class Handback {

    private static final Logger log = LoggerFactory.getLogger(Handback.class);

    private final JobRepository jobs;
    private final CallbackRepository callbacks;
    private final Clock clock;

    Handback(JobRepository jobs, CallbackRepository callbacks, Clock clock) {
        this.jobs = jobs;
        this.callbacks = callbacks;
        this.clock = clock;
    }

    /** Returns how many jobs were handed back. */
    int releaseAll(String owner) {
        int released = jobs.releaseLeases(owner, clock.instant());
        int deliveries = callbacks.releaseLeases(owner);
        log.info("{} handed back {} job(s) and {} callback(s)", owner, released, deliveries);
        return released;
    }
}
