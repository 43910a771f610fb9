package dev.sluice.upstream;

import java.util.List;

/**
 * The path a job is sent to, checked before it is stored: a normalised absolute path of safe
 * characters, so that it cannot leave the upstream's base URL (no {@code ..}, no query, no
 * fragment, no percent-encoding), and one the upstream's protocol sends to.
 */
public final class EndpointPath {

    public static final int MAX_LENGTH = 512;

    /** The paths tinker jobs are sent to: sampling is the one request a job makes. */
    static final List<String> TINKER = List.of("/api/v1/asample");

    /** The paths openai jobs are sent to unless {@code sluice.upstreams.<name>.endpoints} says otherwise. */
    static final List<String> OPENAI = List.of(
            "/v1/chat/completions",
            "/v1/completions",
            "/v1/embeddings",
            "/openai/v1/chat/completions",
            "/openai/v1/completions",
            "/openai/v1/embeddings");

    private EndpointPath() {}

    /** What is wrong with {@code path} as a path, or null when nothing is. */
    public static String problem(String path) {
        if (path.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters";
        }
        if (path.isEmpty() || path.charAt(0) != '/') {
            return SHAPE;
        }
        // One pass: each '/' opens a segment, which must be non-empty, of unreserved characters
        // (RFC 3986: letters, digits, - . _ ~), and neither "." nor "..".
        int start = 1;
        for (int i = 1; i <= path.length(); i++) {
            char c = i == path.length() ? '/' : path.charAt(i);
            if (c == '/') {
                int length = i - start;
                if (length == 0) {
                    return SHAPE;
                }
                if (path.charAt(start) == '.' && (length == 1 || length == 2 && path.charAt(start + 1) == '.')) {
                    return "must be a normalised path, without . or .. segments";
                }
                start = i + 1;
            } else if (!(c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~')) {
                return SHAPE;
            }
        }
        return null;
    }

    private static final String SHAPE = "must be an absolute path such as /v1/chat/completions: segments of"
            + " letters, digits and - . _ ~, with no query, fragment or percent-encoding";
}
