package dev.sluice.batch;

import java.io.InputStream;
import java.util.List;

/**
 * Reads an NDJSON body line by line, holding at most one line of at most {@code maxLineBytes} in
 * memory: a longer line is skipped to its end and reported as too long.
 */
final class BoundedLines extends BodyBlocks implements BatchElements {

    private final int maxLineBytes;
    private byte[] line = new byte[1024];
    private int lineLength;
    private int number;

    BoundedLines(InputStream in, int maxLineBytes) {
        super(in);
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
}
