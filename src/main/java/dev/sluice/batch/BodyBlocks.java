package dev.sluice.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A request body read in 64 KiB blocks that a subclass scans itself ({@code block} from {@code
 * position} to {@code limit}): a byte-at-a-time read through a locked stream cost seconds per
 * 100,000 lines.
 */
abstract class BodyBlocks {

    private final InputStream in;
    protected final byte[] block = new byte[1 << 16];
    protected int position;
    protected int limit;
    private boolean ended;

    BodyBlocks(InputStream in) {
        this.in = in;
    }

    /** Reads the next block; false at the end of the body. */
    protected final boolean fill() {
        if (ended) {
            return false;
        }
        try {
            int n = in.read(block, 0, block.length);
            if (n <= 0) {
                ended = true;
                return false;
            }
            position = 0;
            limit = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
