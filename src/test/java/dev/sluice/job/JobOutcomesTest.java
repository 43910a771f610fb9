package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QuietSluiceTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The outcome statements ({@link JobOutcomes}): each write after a claim is fenced by lease owner
 * and attempt, alone or written together with others.
 */
@QuietSluiceTest
class JobOutcomesTest extends JobSqlTest {

    @Test
    void writesAfterTheClaimAreFencedByOwnerAndAttempt() {
        long id = insert(Priority.HIGH);
        ClaimedJob claimed = claim(1).getFirst();

        assertThat(jobs.markSucceeded(new Fence(id, "someone-else", 1), "{}", now, now))
                .isFalse();
        assertThat(jobs.markSucceeded(new Fence(id, OWNER, 2), "{}", now, now)).isFalse();
        assertThat(jobs.findById(id).orElseThrow().state()).isEqualTo(JobState.CLAIMED);

        assertThat(jobs.markSucceeded(claimed.fence(), "{\"ok\":true}", now, now.plusSeconds(1)))
                .isTrue();
        Job done = jobs.findById(id).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.leaseOwner()).isNull();
        assertThat(done.finishedAt()).isEqualTo(now.plusSeconds(1));
        // A second write with the same fence finds the job no longer claimed.
        assertThat(jobs.markFailed(claimed.fence(), "late", now)).isFalse();
        assertThat(jobs.findById(id).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void aWorkerCannotOverwriteACancelledJob() {
        long id = insert(Priority.HIGH);
        ClaimedJob claimed = claim(1).getFirst();

        assertThat(jobs.cancel(id, now)).isTrue();
        assertThat(jobs.markSucceeded(claimed.fence(), "{}", now, now)).isFalse();

        assertThat(jobs.findById(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void successesWrittenTogetherAreEachFencedAndEachGetAHistoryRow() {
        insert(Priority.HIGH);
        insert(Priority.HIGH);
        insert(Priority.HIGH);
        List<ClaimedJob> claimed = claim(3);
        Fence stale = new Fence(claimed.get(2).id(), OWNER, claimed.get(2).attempt() + 1);

        Map<Long, Integer> moved = jobs.markSucceededAll(List.of(
                new Success(
                        claimed.get(0).fence(), "{\"a\":1,\"usage\":{\"total_tokens\":25}}", now, now.plusSeconds(1)),
                new Success(claimed.get(1).fence(), "{\"b\":2}", null, now.plusSeconds(2)),
                new Success(stale, "{\"c\":3}", now, now.plusSeconds(3))));

        assertThat(moved.keySet())
                .containsExactlyInAnyOrder(claimed.get(0).id(), claimed.get(1).id());
        Job first = jobs.findById(claimed.get(0).id()).orElseThrow();
        // The answer's usage is stored, and returned less the token_count reserved for it.
        assertThat(first.tokensUsed()).isEqualTo(25);
        assertThat(moved.get(first.id())).isEqualTo(25 - first.tokenCount());
        assertThat(moved.get(claimed.get(1).id()))
                .as("an answer that names no usage corrects nothing")
                .isZero();
        assertThat(first.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(first.finishedAt()).isEqualTo(now.plusSeconds(1));
        assertThat(first.leaseOwner()).isNull();
        assertThat(jobs.findById(stale.jobId()).orElseThrow().state()).isEqualTo(JobState.CLAIMED);
        assertThat(jdbc.sql("SELECT count(*) FROM job_history WHERE state = 'succeeded'")
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    /**
     * What a finished job is counted as having used, from its answer (job_tokens_used, V012 and
     * V017): an OpenAI-style usage total, clamped to an int, or for a Tinker answer the tokens of its
     * sequences and of its prompt's chunks; nothing when the answer says neither.
     */
    @Test
    void theTokensUsedAreReadFromTheAnswerAsBefore() {
        String prompt = "{\"prompt\":{\"chunks\":[{\"tokens\":[1,2,3]},{\"tokens\":\"x\"}]}}";
        assertThat(tokensUsed("{\"usage\":{\"total_tokens\":25}}", "{}")).isEqualTo(25);
        assertThat(tokensUsed("{\"usage\":{\"total_tokens\":-4}}", "{}")).isZero();
        assertThat(tokensUsed("{\"usage\":{\"total_tokens\":1e12}}", "{}")).isEqualTo(Integer.MAX_VALUE);
        assertThat(tokensUsed("{\"usage\":{\"total_tokens\":\"25\"}}", "{}"))
                .as("a total that is not a number counts nothing")
                .isNull();
        assertThat(tokensUsed("{\"sequences\":[{\"tokens\":[7,8]},{\"tokens\":[9]},{\"tokens\":null}]}", prompt))
                .as("the sequences' tokens and the prompt's chunks' tokens")
                .isEqualTo(6);
        assertThat(tokensUsed("{\"sequences\":[]}", "{}")).isZero();
        assertThat(tokensUsed("{\"ok\":true}", prompt)).isNull();
    }

    private Integer tokensUsed(String result, String payload) {
        return jdbc.sql("SELECT job_tokens_used(CAST(? AS jsonb), CAST(? AS jsonb))")
                .params(result, payload)
                .query(Integer.class)
                .optional()
                .orElse(null);
    }
}
