package dev.sluice.api;

/** No project has this name: answered 404. */
class ProjectNotFoundException extends RuntimeException {

    ProjectNotFoundException(String name) {
        super("no project named " + (name.length() <= 64 ? name : name.substring(0, 64) + "…"));
    }
}
