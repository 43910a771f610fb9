package dev.sluice.job;

/**
 * What one answer of an upstream said about a request, for its history: the HTTP status, where
 * the request waits ({@link QueueFields}, none for an OpenAI-compatible answer), and the headers
 * worth keeping as JSON text ({@code Retry-After} and {@code X-Queue-*} from Tinker, the
 * {@code x-ratelimit-*} budget headers from OpenAI-compatible APIs).
 */
public record UpstreamObservation(int httpStatus, QueueFields queue, String headersJson) {

    /** Whether the request is being worked on upstream. */
    public boolean showsRunning() {
        return queue.showsRunning();
    }
}
