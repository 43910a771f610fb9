package dev.sluice.door.tinker;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * The door's sampling sessions. Sluice keeps its own sessions with each upstream, so a client's
 * session is only a name for the base model it samples: its id carries the model (so any instance
 * reads it back, and a restart loses nothing) and a random part (so two clients' {@code seq_id}s
 * never meet).
 */
final class SamplingSessions {

    private static final String PREFIX = "sluice-ss-";

    private SamplingSessions() {}

    static String create(String baseModel) {
        return PREFIX
                + UUID.randomUUID().toString().replace("-", "")
                + "-"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(baseModel.getBytes(StandardCharsets.UTF_8));
    }

    /** The base model of a session id this door made, or null. */
    static String baseModel(String samplingSessionId) {
        if (samplingSessionId == null || !samplingSessionId.startsWith(PREFIX) || samplingSessionId.length() > 512) {
            return null;
        }
        int dash = samplingSessionId.indexOf('-', PREFIX.length());
        if (dash < 0) {
            return null;
        }
        try {
            String model = new String(
                    Base64.getUrlDecoder().decode(samplingSessionId.substring(dash + 1)), StandardCharsets.UTF_8);
            return model.isBlank() ? null : model;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
