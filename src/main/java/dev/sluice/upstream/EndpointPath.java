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
        if (!safe(path)) {
            return "must be an absolute path such as /v1/chat/completions: segments of letters, digits and - . _ ~,"
                    + " with no query, fragment or percent-encoding";
        }
        for (String segment : path.substring(1).split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return "must be a normalised path, without . or .. segments";
            }
        }
        return null;
    }

    /** Non-empty segments, each after a '/', of letters, digits and {@code - . _ ~} (RFC 3986's unreserved). */
    private static boolean safe(String path) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean unreserved = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~';
            if (c == '/' ? i + 1 == path.length() || path.charAt(i + 1) == '/' : !unreserved) {
                return false;
            }
        }
        return true;
    }
}
