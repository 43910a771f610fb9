package dev.sluice.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Reads an NDJSON body line by line, holding at most one line of at most {@code maxLineBytes} in
 * memory: a longer line is skipped to its end and reported as too long. Reads the body in 64 KiB
 * blocks and scans them itself (a byte-at-a-time read through a locked stream cost seconds per
 * 100,000 lines).
 */
final class BoundedLines implements BatchElements {

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] block = new byte[1 << 16];
    private byte[] line = new byte[1024];
    private int lineLength;
    private int position;
    private int limit;
    private int number;
    private boolean ended;

    BoundedLines(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public Element next() {
        lineLength = 0;
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (position == limit && !fill()) {
                if (!any) {
                    return null;
                }
                break;
            }
            any = true;
            int start = position;
            while (position < limit && block[position] != '\n') {
                position++;
            }
            int length = position - start;
            if (!tooLong) {
                if (lineLength + length > maxLineBytes) {
                    tooLong = true;
                    lineLength = 0;
                } else {
                    append(start, length);
                }
            }
            if (position < limit) {
                position++; // the newline
                break;
            }
        }
        number++;
        if (tooLong) {
            return Element.refused(number, "is longer than " + maxLineBytes + " bytes (sluice.api.max-job-size)");
        }
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
            lineLength--;
        }
        return new Element(number, line, lineLength, null);
    }

    @Override
    public List<String> bodyProblems() {
        return List.of();
    }

    private void append(int start, int length) {
        if (lineLength + length > line.length) {
            line = java.util.Arrays.copyOf(
                    line, Math.min(maxLineBytes, Math.max(line.length * 2, lineLength + length)));
        }
        System.arraycopy(block, start, line, lineLength, length);
        lineLength += length;
    }

    private boolean fill() {
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
