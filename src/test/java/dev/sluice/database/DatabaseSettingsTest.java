package dev.sluice.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QuietSluiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Every pooled connection carries the server-side guards set in application.properties. */
@QuietSluiceTest
class DatabaseSettingsTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void connectionsLimitStatementsLockWaitsAndIdleTransactions() {
        assertThat(jdbc.sql("SHOW statement_timeout").query(String.class).single())
                .isEqualTo("30s");
        assertThat(jdbc.sql("SHOW lock_timeout").query(String.class).single()).isEqualTo("5s");
        assertThat(jdbc.sql("SHOW idle_in_transaction_session_timeout")
                        .query(String.class)
                        .single())
                .isEqualTo("1min");
    }
}
