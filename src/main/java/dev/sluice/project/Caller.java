package dev.sluice.project;

import dev.sluice.job.Owner;
import dev.sluice.job.Visibility;
import java.util.Set;

/**
 * The key a request came with, as checked: its id, its project (as it was when the key was last
 * looked up, at most {@code sluice.security.key-cache-ttl} ago) and its scopes. The principal of
 * every authenticated request.
 */
public record Caller(long keyId, Project project, Set<Scope> scopes) {

    public boolean isAdmin() {
        return scopes.contains(Scope.ADMIN);
    }

    /** What this caller sees: every project for an admin key, else its own. */
    public Visibility visibility() {
        return isAdmin() ? Visibility.all() : Visibility.project(project.id());
    }

    /** Whose new jobs these are, with the project's weight and queue limit. */
    public Owner owner() {
        return new Owner(project.id(), keyId, project.weight(), project.maxQueued(), project.allowedPriorities());
    }
}
