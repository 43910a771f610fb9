package dev.sluice.api;

import dev.sluice.job.InvalidJobException;
import dev.sluice.job.RequestJson;
import dev.sluice.job.Violation;
import java.io.InputStream;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Reads a JSON request body as a tree, turning malformed JSON into a violation with its position. */
final class JsonBodies {

    private JsonBodies() {}

    static JsonNode read(ObjectMapper json, InputStream body) {
        try {
            JsonNode node = RequestJson.reader(json).readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new InvalidJobException(List.of(Violation.of("(body)", "is empty; send a JSON object")));
            }
            return node;
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidJobException(
                    List.of(Violation.of("(body)", "is not valid JSON" + where + ": " + e.getOriginalMessage())));
        }
    }
}
