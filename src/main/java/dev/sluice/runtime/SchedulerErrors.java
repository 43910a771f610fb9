package dev.sluice.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.task.SimpleAsyncTaskSchedulerCustomizer;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ErrorHandler;

/**
 * The {@code @Scheduled} tasks' error handler: it logs what a pass throws and lets the task run
 * again, as Spring's own does, but halts the JVM on an {@link OutOfMemoryError} (see
 * {@link FatalErrors}) instead of logging it too.
 */
@Configuration(proxyBeanMethods = false)
class SchedulerErrors {

    private static final Logger log = LoggerFactory.getLogger(SchedulerErrors.class);

    private static final ErrorHandler HANDLER = error -> {
        FatalErrors.haltIfFatal(error);
        log.error("a scheduled task failed; it runs again at its next time", error);
    };

    @Bean
    SimpleAsyncTaskSchedulerCustomizer haltOnOutOfMemory() {
        return scheduler -> scheduler.setErrorHandler(HANDLER);
    }

    @Bean
    ThreadPoolTaskSchedulerCustomizer haltOnOutOfMemoryInPool() {
        return scheduler -> scheduler.setErrorHandler(HANDLER);
    }
}
