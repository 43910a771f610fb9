package dev.sluice.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.TestDatabase;
import java.sql.DriverManager;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

class DatabaseCreatorTest {

    @Test
    void createsTheDatabaseWhenTheServerIsThereButTheDatabaseIsNot() throws Exception {
        TestDatabase.Connection db = TestDatabase.get("sluice_test");
        String name = "sluice_created_" + UUID.randomUUID().toString().substring(0, 8);
        String url = TestDatabase.withDatabase(db.url(), name);

        DatabaseCreator.ensureDatabase(url, db.username(), db.password());
        try (var c = DriverManager.getConnection(url, db.username(), db.password())) {
            assertThat(c.getCatalog()).isEqualTo(name);
        } finally {
            try (var admin = DriverManager.getConnection(db.url(), db.username(), db.password());
                    var s = admin.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS \"" + name + "\"");
            }
        }
        // A second start finds it there and changes nothing.
    }

    @Test
    void saysWhatToDoWhenNoServerAnswers() {
        String url = "jdbc:postgresql://127.0.0.1:1/sluice";

        assertThatThrownBy(() -> DatabaseCreator.ensureDatabase(url, "postgres", ""))
                .isInstanceOfSatisfying(DatabaseUnavailableException.class, e -> {
                    FailureAnalysis analysis = new DatabaseUnavailableFailureAnalyzer().analyze(e);
                    assertThat(analysis.getDescription()).contains(url);
                    assertThat(analysis.getAction())
                            .contains("SPRING_DATASOURCE_URL")
                            .contains("docker compose up -d db");
                });
    }
}
