package dev.sluice.batch;

import java.util.List;

/**
 * A batch body cut into its jobs' texts, one at a time, each at most {@code maxBytes} long, so that
 * a body of any size is read with one job's worth of memory: NDJSON lines ({@link BoundedLines}) or
 * the elements of one JSON array ({@link ArrayElements}).
 */
interface BatchElements {

    /**
     * One job's bytes ({@code length} of {@code bytes}, valid until the next call) and its 1-based
     * number (line or element); or, when it cannot be read, why not ({@code bytes} null): too long,
     * or missing. The bytes are parsed as they are, so the JSON parser checks that they are UTF-8.
     */
    record Element(int number, byte[] bytes, int length, String problem) {

        static Element refused(int number, String problem) {
            return new Element(number, null, 0, problem);
        }

        boolean isBlank() {
            for (int i = 0; i < length; i++) {
                byte b = bytes[i];
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    return false;
                }
            }
            return true;
        }
    }

    /** The next element, or null at the end of the body. */
    Element next();

    /** What is wrong with the body as a whole (e.g. an array never closed); read after the last element. */
    List<String> bodyProblems();
}
