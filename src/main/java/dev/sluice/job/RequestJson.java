package dev.sluice.job;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/**
 * How request bodies are read. A name given twice in one object is an error rather than "the last
 * one wins", since the client and Sluice could then read different requests from the same bytes.
 * Jackson's own bounds hold too: nesting at most 500 deep, numbers at most 1,000 digits.
 */
public final class RequestJson {

    private RequestJson() {}

    public static ObjectReader reader(ObjectMapper json) {
        return json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }
}
