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
public final class JsonBodies {

    /** The most a small settings body (a key, a project) may hold; past it, refused unread. */
    public static final org.springframework.util.unit.DataSize MAX_SETTINGS =
            org.springframework.util.unit.DataSize.ofKilobytes(16);

    private JsonBodies() {}

    /**
     * A small JSON object body (at most {@link #MAX_SETTINGS}) whose field names must be among
     * {@code fields}: each other name is added to {@code violations} as not a field of {@code what}.
     */
    public static JsonNode readObject(
            ObjectMapper json,
            InputStream body,
            String what,
            java.util.Set<String> fields,
            List<Violation> violations) {
        JsonNode node = read(json, new LimitedInputStream(body, MAX_SETTINGS, "a " + what + " request (16KB)"));
        if (!node.isObject()) {
            throw new InvalidJobException(List.of(Violation.of("(body)", "must be a JSON object")));
        }
        node.propertyNames().forEach(name -> {
            if (!fields.contains(name)) {
                violations.add(Violation.of(
                        dev.sluice.intake.JobRequestParser.echo(name),
                        "is not a field of a " + what + "; the fields are " + fields));
            }
        });
        return node;
    }

    public static JsonNode read(ObjectMapper json, InputStream body) {
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
