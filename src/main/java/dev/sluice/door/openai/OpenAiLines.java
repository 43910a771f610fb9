package dev.sluice.door.openai;

import dev.sluice.batch.BatchEnqueuer;
import dev.sluice.intake.JobRequestParser;
import dev.sluice.job.Violation;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads one line of an OpenAI batch input file, {@code {"custom_id", "method": "POST", "url",
 * "body"}}, as a Sluice job request: {@code body} becomes the payload, {@code body.model} picks the
 * upstream ({@link ModelRoutes}) and {@code url} the path there. Every broken rule is reported.
 */
final class OpenAiLines implements BatchEnqueuer.LineAdapter {

    private static final Set<String> FIELDS = Set.of("custom_id", "method", "url", "body");

    private final ModelRoutes routes;
    /** The batch's endpoint, which every line's url must be; null at upload, before there is a batch. */
    private final String endpoint;

    OpenAiLines(ModelRoutes routes, String endpoint) {
        this.routes = routes;
        this.endpoint = endpoint;
    }

    @Override
    public JsonNode adapt(JsonNode line, List<Violation> violations) {
        if (line == null || !line.isObject()) {
            violations.add(Violation.of("(line)", "must be a JSON object"));
            return null;
        }
        int before = violations.size();
        for (String name : line.propertyNames()) {
            if (!FIELDS.contains(name)) {
                violations.add(Violation.of(
                        JobRequestParser.echo(name),
                        "unknown field; an OpenAI batch line has "
                                + FIELDS.stream().sorted().toList()));
            }
        }
        JsonNode customId = line.get("custom_id");
        if (customId == null || !customId.isString() || customId.stringValue().isBlank()) {
            violations.add(Violation.of("custom_id", "is required and must be a non-empty string"));
        }
        JsonNode method = line.get("method");
        if (method == null || !method.isString() || !method.stringValue().equals("POST")) {
            violations.add(Violation.of("method", "must be \"POST\""));
        }
        JsonNode url = line.get("url");
        String path = url != null && url.isString() ? url.stringValue() : null;
        if (path == null || !ModelRoutes.PATHS.contains(path)) {
            violations.add(Violation.of("url", "must be one of " + ModelRoutes.PATHS));
            path = null;
        } else if (endpoint != null && !endpoint.equals(path)) {
            violations.add(Violation.of("url", "must be the batch's endpoint, " + endpoint));
            path = null;
        }
        JsonNode body = line.get("body");
        String model = null;
        if (body == null || !body.isObject()) {
            violations.add(Violation.of("body", "is required and must be a JSON object"));
        } else {
            JsonNode m = body.get("model");
            if (m == null || !m.isString() || m.stringValue().isBlank()) {
                violations.add(Violation.of("body.model", "is required and must be a non-empty string"));
            } else {
                model = m.stringValue();
            }
            JsonNode stream = body.get("stream");
            if (stream != null && stream.asBoolean(false)) {
                violations.add(Violation.of("body.stream", "must not be true in a batch"));
            }
        }
        if (model != null && path != null) {
            ModelRoutes.Route route = routes.route(model, path);
            if (route.refused()) {
                violations.add(Violation.of(route.field(), route.rule()));
            } else if (violations.size() == before) {
                return job(customId.stringValue(), route, body);
            }
        }
        return null;
    }

    /** The Sluice job request of a line that broke no rule of its own. */
    static ObjectNode job(String customId, ModelRoutes.Route route, JsonNode body) {
        ObjectNode job = JsonNodeFactory.instance.objectNode();
        if (customId != null) {
            job.put("custom_id", customId);
        }
        job.put("upstream", route.upstream());
        job.put("endpoint", route.endpoint());
        job.set("payload", body);
        return job;
    }
}
