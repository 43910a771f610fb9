package dev.sluice.door.tinker;

import dev.sluice.door.Priorities;
import dev.sluice.intake.JobRequestParser;
import dev.sluice.job.InvalidJobException;
import dev.sluice.job.JobService;
import dev.sluice.job.NewJob;
import dev.sluice.job.Priority;
import dev.sluice.job.Violation;
import dev.sluice.project.Caller;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Tinker {@code asample} as a Sluice job: the sample request (less its session and sequence
 * number, which Sluice gives upstream itself) with its base model, at the client's priority. The
 * client's {@code (sampling_session_id, seq_id)}, the protocol's idempotency key, is the job's
 * idempotency key: a client re-sending the same sample gets the same future.
 */
@Service
class TinkerDoor {

    /** Fields of the sample request that Sluice sets itself upstream. */
    private static final Set<String> SLUICE_SETS = Set.of("sampling_session_id", "seq_id", "type", "base_model");

    private static final String FUTURE = "sluice-job-";

    private final JobRequestParser parser;
    private final TinkerRoutes routes;
    private final JobService jobs;

    TinkerDoor(JobRequestParser parser, TinkerRoutes routes, JobService jobs) {
        this.parser = parser;
        this.routes = routes;
        this.jobs = jobs;
    }

    /** The base model of a sampling session request, checked; every broken rule at once. */
    String samplingSession(JsonNode body) {
        String model = text(body, "base_model");
        if (model == null || model.length() > 256) {
            throw invalid("base_model", "is required: the model this session samples (at most 256 characters)");
        }
        if (routes.upstreamOf(model) == null) {
            throw invalid("base_model", routes.refusal());
        }
        return SamplingSessions.create(model);
    }

    /** Stores the sample as a job; its id. */
    long sample(JsonNode body, Caller caller, String priorityHeader) {
        List<Violation> violations = new ArrayList<>();
        Priority priority = Priorities.defaultOf(caller.project());
        if (priorityHeader != null) {
            priority = Priority.fromWire(priorityHeader);
            if (priority == null) {
                violations.add(Violation.of("X-Sluice-Priority", "must be one of high, normal, low"));
            }
        }
        String session = text(body, "sampling_session_id");
        String model = session != null ? SamplingSessions.baseModel(session) : text(body, "base_model");
        if (session != null && model == null) {
            violations.add(Violation.of(
                    "sampling_session_id", "must be a session made by this door's create_sampling_session"));
        } else if (model == null) {
            violations.add(Violation.of("sampling_session_id", "is required (or base_model)"));
        }
        String upstream = model == null ? null : routes.upstreamOf(model);
        if (model != null && upstream == null) {
            violations.add(Violation.of("base_model", routes.refusal()));
        }
        JsonNode seq = body.get("seq_id");
        if (seq != null
                && !seq.isNull()
                && (!seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 0)) {
            violations.add(Violation.of("seq_id", "must be an integer >= 0"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("base_model", model);
        for (String name : body.propertyNames()) {
            if (!SLUICE_SETS.contains(name)) {
                payload.set(name, body.get(name));
            }
        }
        ObjectNode job = JsonNodeFactory.instance.objectNode();
        job.put("upstream", upstream);
        job.set("payload", payload);
        String key = session != null && seq != null && !seq.isNull()
                ? "tinker-door:" + session + ":" + seq.longValue()
                : null;
        var defaults = new JobRequestParser.Defaults(
                upstream, priority, key, caller.project().hasCallbackSecret());
        NewJob parsed = parser.parse(job, JobRequestParser.Source.SINGLE, defaults, violations);
        if (parsed == null) {
            throw new InvalidJobException(violations);
        }
        return jobs.enqueue(parsed, caller.owner()).job().id();
    }

    java.util.Set<String> models() {
        return routes.models();
    }

    static String future(long jobId) {
        return FUTURE + jobId;
    }

    /** The job of a future id this door gave, or -1. */
    static long jobOf(String requestId) {
        if (requestId == null || !requestId.startsWith(FUTURE) || requestId.length() > FUTURE.length() + 18) {
            return -1;
        }
        String digits = requestId.substring(FUTURE.length());
        return !digits.isEmpty() && digits.chars().allMatch(Character::isDigit) ? Long.parseLong(digits) : -1;
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v != null && v.isString() && !v.stringValue().isBlank() ? v.stringValue() : null;
    }

    private static InvalidJobException invalid(String field, String rule) {
        return new InvalidJobException(List.of(Violation.of(field, rule)));
    }
}
