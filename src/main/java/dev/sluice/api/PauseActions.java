package dev.sluice.api;

import dev.sluice.pause.Pause;
import dev.sluice.pause.Pauses;
import dev.sluice.project.AuditLog;
import dev.sluice.project.Caller;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Pausing and resuming an upstream (or one model of it) with its audit row, as both the API
 * ({@link PauseController}) and the dashboard's buttons do it.
 */
@Component
public class PauseActions {

    /** The longest reason and model name taken. */
    public static final int MAX_REASON = 500;

    public static final int MAX_MODEL = 200;

    private final Pauses pauses;
    private final AuditLog audit;

    PauseActions(Pauses pauses, AuditLog audit) {
        this.pauses = pauses;
        this.audit = audit;
    }

    /** Pauses {@code upstream} (or its {@code model}) until {@code until} (null: until resumed). */
    public Pause pause(Caller by, String upstream, String model, String reason, Instant until) {
        Pause p = pauses.pause(upstream, model, reason, until, who(by));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("model", model);
        detail.put("reason", reason);
        detail.put("until", until == null ? null : until.toString());
        audit.record(by, "upstream.pause", "upstream:" + upstream, detail);
        return p;
    }

    /** Resumes {@code upstream} (or its {@code model}); whether it was paused. */
    public boolean resume(Caller by, String upstream, String model) {
        boolean was = pauses.resume(upstream, model);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("model", model);
        detail.put("was_paused", was);
        audit.record(by, "upstream.resume", "upstream:" + upstream, detail);
        return was;
    }

    private static String who(Caller caller) {
        return caller == null
                ? "sluice"
                : "key " + caller.keyId() + " of project " + caller.project().name();
    }
}
