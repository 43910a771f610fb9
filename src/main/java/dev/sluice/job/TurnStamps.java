package dev.sluice.job;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * COPY rows with their first field, a lane number, replaced by the row's turn. Rows end at a raw
 * newline (COPY text escapes every newline inside a value), so the stream only has to find the
 * start of each row: the rest of the row is passed through as it is, a buffer at a time.
 */
final class TurnStamps extends InputStream {

    private final InputStream in;
    private final long[] next;
    private final long stride;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private boolean atRowStart = true;
    private byte[] pending = new byte[0];
    private int pendingAt;

    TurnStamps(InputStream in, long[] firstTurns, long stride) {
        this.in = in;
        this.next = firstTurns.clone();
        this.stride = stride;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /**
     * Fills {@code out} as far as the rows go (a COPY message per call, so as few calls as the
     * buffer allows): the pending turn, then row bytes, stamping each row start met on the way.
     */
    @Override
    public int read(byte[] out, int off, int len) throws IOException {
        int written = 0;
        while (written < len) {
            if (pendingAt < pending.length) {
                int n = Math.min(len - written, pending.length - pendingAt);
                System.arraycopy(pending, pendingAt, out, off + written, n);
                pendingAt += n;
                written += n;
                continue;
            }
            if (!fill()) {
                break;
            }
            if (atRowStart) {
                stampRow();
                continue;
            }
            // Up to and including the row's newline.
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            boolean rowEnds = end < limit;
            int n = Math.min(len - written, (rowEnds ? end + 1 : limit) - position);
            System.arraycopy(buffer, position, out, off + written, n);
            position += n;
            written += n;
            atRowStart = rowEnds && position == end + 1;
        }
        return written == 0 && len > 0 ? -1 : written;
    }

    /** Reads the lane number and its tab, and queues the turn and the tab in their place. */
    private void stampRow() throws IOException {
        int lane = 0;
        while (true) {
            if (!fill()) {
                throw new IOException("a COPY row ends inside its lane number");
            }
            byte b = buffer[position++];
            if (b == '\t') {
                break;
            }
            if (b < '0' || b > '9') {
                throw new IOException("a COPY row does not start with its lane number");
            }
            lane = lane * 10 + (b - '0');
        }
        long turn = next[lane];
        next[lane] += stride;
        pending = (turn + "\t").getBytes(StandardCharsets.US_ASCII);
        pendingAt = 0;
        atRowStart = false;
    }

    private boolean fill() throws IOException {
        while (position >= limit) {
            limit = in.read(buffer, 0, buffer.length);
            position = 0;
            if (limit < 0) {
                limit = 0;
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
