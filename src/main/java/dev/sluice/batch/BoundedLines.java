package dev.sluice.batch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads an NDJSON body line by line, holding at most one line of at most {@code maxLineBytes} in
 * memory: a longer line is skipped to its end and reported as too long. Reads the body in 64 KiB
 * blocks and scans them itself (a byte-at-a-time read through a locked stream cost seconds per
 * 100,000 lines).
 */
final class BoundedLines {

    /** One line: its 1-based number, and its text, or null when it was longer than the bound. */
    record Line(int number, String text) {}

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] block = new byte[1 << 16];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    private int position;
    private int limit;
    private int number;
    private boolean ended;

    BoundedLines(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line, or null at the end of the body. */
    Line next() {
        line.reset();
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
                if (line.size() + length > maxLineBytes) {
                    tooLong = true;
                    line.reset();
                } else {
                    line.write(block, start, length);
                }
            }
            if (position < limit) {
                position++; // the newline
                break;
            }
        }
        number++;
        if (tooLong) {
            return new Line(number, null);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return new Line(number, text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
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
