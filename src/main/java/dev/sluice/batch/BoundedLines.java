package dev.sluice.batch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads an NDJSON body line by line, holding at most one line of at most {@code maxLineBytes} in
 * memory: a longer line is skipped to its end and reported as too long.
 */
final class BoundedLines {

    /** One line: its 1-based number, and its text, or null when it was longer than the bound. */
    record Line(int number, String text) {}

    private final InputStream in;
    private final int maxLineBytes;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private int number;

    BoundedLines(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line, or null at the end of the body. */
    Line next() {
        try {
            buffer.reset();
            boolean tooLong = false;
            int b = in.read();
            if (b < 0) {
                return null;
            }
            while (b >= 0 && b != '\n') {
                if (buffer.size() < maxLineBytes) {
                    buffer.write(b);
                } else {
                    tooLong = true;
                }
                b = in.read();
            }
            number++;
            if (tooLong) {
                return new Line(number, null);
            }
            String text = buffer.toString(StandardCharsets.UTF_8);
            return new Line(number, text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
