package dev.sluice.database;

import java.sql.SQLException;

/** No PostgreSQL answers at the configured URL, or it refused us. */
class DatabaseUnavailableException extends RuntimeException {

    private final String url;

    DatabaseUnavailableException(String url, SQLException cause) {
        super("cannot use PostgreSQL at " + url + ": " + cause.getMessage(), cause);
        this.url = url;
    }

    String url() {
        return url;
    }
}
