package dev.sluice.upstream;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go-style durations as OpenAI and Groq send them in {@code x-ratelimit-reset-*}: a sequence of
 * decimal numbers with units, such as {@code 2m59.56s}, {@code 7.66s}, {@code 1h2m}, {@code 450ms},
 * {@code 0s}.
 */
final class GoDurations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private GoDurations() {}

    /** The duration, or empty when the text is not one (absent, blank, or malformed). */
    public static Optional<Duration> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.trim();
        if (t.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        Matcher m = PART.matcher(t);
        double nanos = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return Optional.empty();
            }
            double value = Double.parseDouble(m.group(1));
            nanos += value
                    * switch (m.group(2)) {
                        case "ns" -> 1d;
                        case "us", "µs" -> 1e3;
                        case "ms" -> 1e6;
                        case "s" -> 1e9;
                        case "m" -> 60e9;
                        case "h" -> 3600e9;
                        default -> throw new IllegalStateException(m.group(2));
                    };
            end = m.end();
        }
        if (end != t.length() || end == 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.round(nanos)));
    }
}
