package dev.sluice.api;

import org.springframework.util.unit.DataSize;

/** A request body over its configured limit; nothing of it was stored. */
class BodyTooLargeException extends RuntimeException {

    BodyTooLargeException(DataSize limit, String property) {
        super("request body is larger than " + limit.toBytes() + " bytes (" + property + ")");
    }
}
