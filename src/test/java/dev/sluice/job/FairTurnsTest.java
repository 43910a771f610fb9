package dev.sluice.job;

import static dev.sluice.Fixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QuietSluiceTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fair turns at the statement level: within one upstream and priority, projects take turns by
 * weight, each keeps first-in-first-out, and priority still comes first.
 */
@QuietSluiceTest
class FairTurnsTest extends JobSqlTest {

    private static final Owner A = new Owner(101, null, 1, null);
    private static final Owner B = new Owner(102, null, 1, null);

    /** Enqueues n jobs of the owner one by one, as single jobs are: each takes its next turn. */
    private List<Long> enqueue(Owner owner, Priority priority, int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NewJob j = job(priority);
            long turn = jobs.reserveTurns(owner, j.upstream(), priority, 1, now);
            ids.add(jobs.insert(j, owner, turn, now).orElseThrow());
        }
        return ids;
    }

    private List<Long> claimedIds(int n) {
        return claim(n).stream().map(ClaimedJob::id).toList();
    }

    @Test
    void aProjectArrivingBehindALongBacklogTakesEveryOtherTurn() {
        List<Long> a = enqueue(A, Priority.LOW, 50);
        assertThat(claimedIds(10)).as("alone, A goes in its own order").containsExactlyElementsOf(a.subList(0, 10));
        List<Long> b = enqueue(B, Priority.LOW, 5);

        List<Long> next = claimedIds(10);

        assertThat(next).as("B's five among the next ten, not after A's 40").containsAll(b);
        assertThat(next.stream().filter(a::contains).toList())
                .as("A keeps its own order")
                .containsExactlyElementsOf(a.subList(10, 15));
        assertThat(next.stream().filter(b::contains).toList())
                .as("B keeps its own order")
                .containsExactlyElementsOf(b);
    }

    @Test
    void turnsFollowTheWeights() {
        Owner heavy = new Owner(103, null, 3, null);
        List<Long> h = enqueue(heavy, Priority.NORMAL, 60);
        List<Long> b = enqueue(B, Priority.NORMAL, 60);

        List<Long> first40 = claimedIds(40);

        assertThat(first40.stream().filter(h::contains).count())
                .as("weight 3 against weight 1: three turns in four")
                .isBetween(29L, 31L);
        assertThat(first40.stream().filter(b::contains).toList())
                .containsExactlyElementsOf(b.subList(
                        0, 40 - (int) first40.stream().filter(h::contains).count()));
    }

    @Test
    void priorityStillComesBeforeTurns() {
        enqueue(A, Priority.LOW, 20);
        List<Long> high = enqueue(B, Priority.HIGH, 3);

        assertThat(claimedIds(3)).containsExactlyElementsOf(high);
    }

    @Test
    void aProjectThatWasIdleGetsNoCreditForIt() {
        enqueue(B, Priority.LOW, 3);
        claimedIds(3);
        List<Long> a = enqueue(A, Priority.LOW, 40);
        claimedIds(20);
        // B had nothing queued while A's twenty were sent: it starts at the head, not 20 turns ahead.
        List<Long> b = enqueue(B, Priority.LOW, 10);

        List<Long> next = claimedIds(10);

        assertThat(next.stream().filter(b::contains).count()).isEqualTo(5);
        assertThat(next.stream().filter(a::contains).toList()).containsExactlyElementsOf(a.subList(20, 25));
    }

    @Test
    void turnsOfARefusedRequestAreGivenBackSoTheProjectLosesNoPlace() {
        enqueue(B, Priority.LOW, 3);
        long first = jobs.reserveTurns(A, "noop", Priority.LOW, 1000, now);

        jobs.releaseTurns(A, "noop", Priority.LOW, first, 1000);

        assertThat(jobs.reserveTurns(A, "noop", Priority.LOW, 1, now)).isEqualTo(first);
    }

    @Test
    void singleJobsTakeTurnsFromBlocksThatLeaveNoGaps() {
        TurnBlocks blocks = new TurnBlocks(jobs);
        long stride = A.stride();
        List<Long> taken = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            taken.add(blocks.take(A, "noop", Priority.LOW, now)); // blocks of 1, 2, then 4
        }
        // Later than a block stays fresh: its three unused turns are given back first.
        taken.add(
                blocks.take(A, "noop", Priority.LOW, now.plus(TurnBlocks.FRESH).plusMillis(1)));

        long first = taken.getFirst();
        assertThat(taken)
                .containsExactly(first, first + stride, first + 2 * stride, first + 3 * stride, first + 4 * stride);
        assertThat(jobs.reserveTurns(A, "noop", Priority.LOW, 1, now)).isEqualTo(first + 5 * stride);
    }
}
