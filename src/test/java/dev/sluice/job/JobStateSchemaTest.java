package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.QuietSluiceTest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@QuietSluiceTest
class JobStateSchemaTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void theStateCheckConstraintListsExactlyTheEnumsStates() {
        String check = jdbc.sql("""
                SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                WHERE c.conrelid = 'job'::regclass AND c.conname = 'job_state_check'
                """).query(String.class).single();

        for (JobState s : JobState.values()) {
            assertThat(check).contains("'" + s.wireName() + "'");
        }
        assertThat(check.split("'").length / 2).isEqualTo(JobState.values().length);
    }

    @Test
    void theDatabaseRejectsAStateOutsideTheMachine() {
        assertThatThrownBy(() -> jdbc.sql("""
                INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts, run_after, created_at)
                VALUES ('noop', '/e', '{}', 1, 0, 'running', 3, now(), now())""").update()).hasMessageContaining("job_state_check");
    }

    @Test
    void finalStatesHaveNoWayOutButFailedCanBeRetried() {
        assertThat(JobState.SUCCEEDED.canMoveTo(JobState.QUEUED)).isFalse();
        assertThat(JobState.CANCELLED.canMoveTo(JobState.QUEUED)).isFalse();
        assertThat(JobState.FAILED.canMoveTo(JobState.QUEUED)).isTrue();
        assertThat(JobState.QUEUED.canMoveTo(JobState.SUCCEEDED)).isFalse();
        assertThat(Arrays.stream(JobState.values()).filter(JobState::isFinal))
                .containsExactly(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED);
        assertThatThrownBy(() -> JobState.SUCCEEDED.checkMoveTo(JobState.CLAIMED))
                .isInstanceOf(IllegalStateException.class);
    }
}
