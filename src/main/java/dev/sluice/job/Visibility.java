package dev.sluice.job;

/**
 * Which projects' jobs and batches a caller sees: an admin key sees every project, any other key
 * only its own. What a caller cannot see answers exactly as what does not exist (404).
 */
public record Visibility(Long onlyProject) {

    private static final Visibility ALL = new Visibility(null);

    public static Visibility all() {
        return ALL;
    }

    public static Visibility project(long projectId) {
        return new Visibility(projectId);
    }

    public boolean sees(long projectId) {
        return onlyProject == null || onlyProject == projectId;
    }
}
