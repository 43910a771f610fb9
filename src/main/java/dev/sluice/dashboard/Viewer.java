package dev.sluice.dashboard;

import dev.sluice.project.Caller;
import dev.sluice.project.Scope;

/** Who is looking, as every page needs it: whose project, and which buttons to show. */
record Viewer(String project, long keyId, boolean admin, boolean canSubmit) {

    static Viewer of(Caller caller) {
        return new Viewer(
                caller.project().name(),
                caller.keyId(),
                caller.isAdmin(),
                caller.isAdmin() || caller.scopes().contains(Scope.SUBMIT));
    }

    /** The project whose data a page shows: null (every project) for an admin. */
    static Long projectOf(Caller caller) {
        return caller.isAdmin() ? null : caller.project().id();
    }
}
