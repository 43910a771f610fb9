package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each COPY row's lane number becomes the row's turn, however the bytes arrive. */
class TurnStampsTest {

    /** Rows of two lanes, one with a long field, as JobCopyEncoder writes them. */
    private static final String ROWS = "0\ta\tb\n1\t" + "x".repeat(5000) + "\n0\tc\\n\td\n1\te\n0\tf\n";

    private static final String STAMPED = "100\ta\tb\n7\t" + "x".repeat(5000) + "\n110\tc\\n\td\n17\te\n120\tf\n";

    /** An input that hands out at most {@code chunk} bytes per read. */
    private static InputStream trickle(byte[] bytes, int chunk) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static String readAll(InputStream in, int bufferSize) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[bufferSize];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyRowTakesItsLanesNextTurnWhateverTheReadSizes() throws IOException {
        byte[] rows = ROWS.getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {1, 2, 3, 7, 4096, 1 << 20}) {
            for (int bufferSize : new int[] {1, 5, 64, 1 << 16}) {
                InputStream stamped = new TurnStamps(trickle(rows, chunk), new long[] {100, 7}, 10);
                assertThat(readAll(stamped, bufferSize))
                        .as("chunk %d, buffer %d", chunk, bufferSize)
                        .isEqualTo(STAMPED);
            }
        }
    }
}
