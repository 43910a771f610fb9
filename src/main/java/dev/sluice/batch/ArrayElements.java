package dev.sluice.batch;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a JSON-array body element by element, as {@link BoundedLines} reads NDJSON: it scans the
 * bytes for the commas and the closing bracket that lie outside strings and nested values, and
 * keeps at most one element of at most {@code maxElementBytes} in memory. A longer element is
 * skipped to its end and reported as too long, so an element of any size costs nothing. Whether
 * each element is valid JSON is for the caller's parser to say; this finds only where each one
 * begins and ends, and whether the array is well formed around them.
 */
final class ArrayElements extends BodyBlocks implements BatchElements {

    private enum Where {
        BEFORE_ARRAY,
        BEFORE_ELEMENT,
        AFTER_ARRAY,
        DONE
    }

    private final int maxElementBytes;
    private final List<String> bodyProblems = new ArrayList<>();
    private byte[] element = new byte[1024];
    private int elementLength;
    private int number;
    private boolean afterComma;
    private Where where = Where.BEFORE_ARRAY;

    ArrayElements(InputStream in, int maxElementBytes) {
        super(in);
        this.maxElementBytes = maxElementBytes;
    }

    @Override
    public Element next() {
        while (where != Where.DONE) {
            int b = nextNonBlank();
            switch (where) {
                case BEFORE_ARRAY -> {
                    if (b != '[') {
                        bodyProblems.add("must be a JSON array of job objects (or send application/x-ndjson)");
                        where = Where.DONE;
                    } else {
                        where = Where.BEFORE_ELEMENT;
                    }
                }
                case BEFORE_ELEMENT -> {
                    if (b < 0) {
                        bodyProblems.add("ends before the JSON array is closed");
                        where = Where.DONE;
                    } else if (b == ']') {
                        where = Where.AFTER_ARRAY;
                        if (afterComma) {
                            return Element.refused(++number, "is missing: a comma stands before ]");
                        }
                    } else if (b == ',') {
                        afterComma = true;
                        return Element.refused(++number, "is missing: two commas stand together");
                    } else {
                        return readElement(b);
                    }
                }
                case AFTER_ARRAY -> {
                    if (b >= 0) {
                        bodyProblems.add("has more after the JSON array's closing ]");
                    }
                    where = Where.DONE;
                }
                case DONE -> {}
            }
        }
        return null;
    }

    /** Reads one element from its first byte {@code first} to the comma or bracket that ends it. */
    private Element readElement(int first) {
        number++;
        elementLength = 0;
        boolean tooLong = false;
        boolean inString = false;
        boolean escaped = false;
        int depth = 0;
        int b = first;
        while (true) {
            if (!inString && depth == 0 && (b == ',' || b == ']')) {
                afterComma = b == ',';
                where = b == ',' ? Where.BEFORE_ELEMENT : Where.AFTER_ARRAY;
                break;
            }
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if ((b == '}' || b == ']') && depth > 0) {
                depth--;
            }
            if (!tooLong) {
                if (elementLength == maxElementBytes) {
                    tooLong = true;
                } else {
                    append((byte) b);
                }
            }
            b = nextByte();
            if (b < 0) {
                bodyProblems.add("ends before the JSON array is closed");
                where = Where.DONE;
                break;
            }
        }
        if (tooLong) {
            return Element.refused(number, "is longer than " + maxElementBytes + " bytes (sluice.api.max-job-size)");
        }
        while (elementLength > 0 && isBlank(element[elementLength - 1])) {
            elementLength--;
        }
        return new Element(number, element, elementLength, null);
    }

    @Override
    public List<String> bodyProblems() {
        return bodyProblems;
    }

    private void append(byte b) {
        if (elementLength == element.length) {
            element = Arrays.copyOf(element, Math.min(maxElementBytes, element.length * 2));
        }
        element[elementLength++] = b;
    }

    private int nextNonBlank() {
        int b = nextByte();
        while (b >= 0 && isBlank((byte) b)) {
            b = nextByte();
        }
        return b;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** The next byte of the body, or -1 at its end. */
    private int nextByte() {
        if (position == limit && !fill()) {
            return -1;
        }
        return block[position++] & 0xff;
    }
}
