package dev.sluice.door;

import dev.sluice.job.Priority;
import dev.sluice.project.Project;

/** The priority of a door request that names none. */
public final class Priorities {

    private Priorities() {}

    /**
     * The project's default: {@code low}, or where the project may not use low, the lowest it may
     * use. (Keys have no priority of their own; a project's keys share its rules.)
     */
    public static Priority defaultOf(Project project) {
        if (project.allowedPriorities() == null || project.allowedPriorities().contains(Priority.LOW)) {
            return Priority.LOW;
        }
        return project.allowedPriorities().stream().max(Enum::compareTo).orElse(Priority.LOW);
    }
}
