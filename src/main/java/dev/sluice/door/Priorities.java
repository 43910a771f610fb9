package dev.sluice.door;

import dev.sluice.job.Priority;
import dev.sluice.job.ProjectLimitException;
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

    /**
     * Refuses a priority the project may not use, as {@code POST /api/v1/jobs} does (403 naming
     * {@code allowed_priorities}; nothing is stored).
     */
    public static void checkAllowed(Project project, Priority priority) {
        if (project.allowedPriorities() != null && !project.allowedPriorities().contains(priority)) {
            throw new ProjectLimitException(
                    "allowed_priorities",
                    "priority " + priority.wireName() + " is not one project " + project.name()
                            + " may use; it may use "
                            + project.allowedPriorities().stream()
                                    .sorted()
                                    .map(Priority::wireName)
                                    .toList()
                            + " (allowed_priorities)");
        }
    }
}
