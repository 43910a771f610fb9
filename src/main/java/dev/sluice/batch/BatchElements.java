package dev.sluice.batch;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A batch body cut into its jobs' texts, one at a time, each at most {@code maxBytes} long, so that
 * a body of any size is read with one job's worth of memory: NDJSON lines ({@link BoundedLines}) or
 * the elements of one JSON array ({@link ArrayElements}).
 */
interface BatchElements {

    /**
     * One job's text and its 1-based number (line or element); or, when it cannot be read, why not
     * ({@code text} null): too long, or not UTF-8.
     */
    record Element(int number, String text, String problem) {}

    /** The next element, or null at the end of the body. */
    Element next();

    /** What is wrong with the body as a whole (e.g. an array never closed); read after the last element. */
    List<String> bodyProblems();

    /** Decodes strictly: a byte sequence that is not UTF-8 is a problem, not a silent U+FFFD. */
    static Element decode(int number, byte[] bytes, int length) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
            return new Element(number, text, null);
        } catch (CharacterCodingException e) {
            return new Element(number, null, "is not valid UTF-8");
        }
    }
}
