package dev.sluice.api;

/** No upstream is configured under this name: answered 404. */
class UpstreamNotFoundException extends RuntimeException {

    UpstreamNotFoundException(String name) {
        super("no upstream named " + dev.sluice.intake.JobRequestParser.echo(name));
    }
}
