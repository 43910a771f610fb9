package dev.sluice.api;

/** No project has this name: answered 404. */
class ProjectNotFoundException extends RuntimeException {

    ProjectNotFoundException(String name) {
        super("no project named " + dev.sluice.intake.JobRequestParser.echo(name));
    }
}
