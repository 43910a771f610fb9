package dev.sluice.job;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What PostgreSQL cannot keep, found before anything is written. {@code text} and {@code jsonb}
 * refuse the character U+0000 (the statement fails, and a whole batch with it); an unpaired UTF-16
 * surrogate has no UTF-8 form, so the driver would silently store {@code ?} in its place; and a
 * number past a 64-bit float's range was parsed as Infinity, which has no JSON form at all. Each
 * is reported with its path ({@code payload.messages[0].content}) and what to do instead.
 */
public final class StorableJson {

    private StorableJson() {}

    /** Adds a violation for each string, name or number under {@code node} that cannot be stored, up to {@code max}. */
    public static void check(JsonNode node, String path, List<Violation> violations, int max) {
        if (!storable(node)) {
            report(node, path, violations, max);
        }
    }

    /**
     * Whether everything under {@code node} can be stored: the usual answer, found in one pass
     * that builds no paths (each batch line goes through here).
     */
    private static boolean storable(JsonNode root) {
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            JsonNode value = todo.pop();
            if (value.isString()) {
                if (problem(value.stringValue()) != null) {
                    return false;
                }
            } else if (value.isNumber()) {
                if (numberProblem(value) != null) {
                    return false;
                }
            } else if (value.isObject()) {
                for (Map.Entry<String, JsonNode> property : value.properties()) {
                    if (problem(property.getKey()) != null) {
                        return false;
                    }
                    todo.push(property.getValue());
                }
            } else if (value.isArray()) {
                for (JsonNode element : value) {
                    todo.push(element);
                }
            }
        }
        return true;
    }

    private static String numberProblem(JsonNode value) {
        if (value.isBigDecimal()) {
            java.math.BigDecimal d = value.decimalValue();
            if (d.precision() - d.scale() > 131_072 || d.scale() > 16_383) {
                return "must be a number PostgreSQL can store: at most 131072 digits before the point, 16383 after";
            }
        } else if (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
            return "must be a number within the range of a 64-bit float (±1.8e308)";
        }
        return null;
    }

    /** The slow walk, with the path of each problem, once the fast one found there is one. */
    private static void report(JsonNode node, String path, List<Violation> violations, int max) {
        Deque<Map.Entry<String, JsonNode>> todo = new ArrayDeque<>();
        todo.push(Map.entry(path, node));
        while (!todo.isEmpty() && violations.size() < max) {
            Map.Entry<String, JsonNode> next = todo.pop();
            String at = next.getKey();
            JsonNode value = next.getValue();
            if (value.isString()) {
                checkText(at, value.stringValue(), violations);
            } else if (value.isNumber()) {
                String problem = numberProblem(value);
                if (problem != null) {
                    violations.add(Violation.of(at, problem));
                }
            } else if (value.isObject()) {
                for (Map.Entry<String, JsonNode> property : value.properties()) {
                    String child = at.isEmpty() ? property.getKey() : at + "." + property.getKey();
                    if (checkText(at.isEmpty() ? "(field name)" : at, property.getKey(), violations)) {
                        todo.push(Map.entry(child, property.getValue()));
                    }
                }
            } else if (value.isArray()) {
                for (int i = value.size() - 1; i >= 0; i--) {
                    todo.push(Map.entry(at + "[" + i + "]", value.get(i)));
                }
            }
        }
    }

    /** Checks one string; true when it can be stored. */
    public static boolean checkText(String field, String text, List<Violation> violations) {
        String problem = problem(text);
        if (problem != null) {
            violations.add(Violation.of(field, problem));
            return false;
        }
        return true;
    }

    /**
     * {@code text} made storable, for what an upstream says about itself (queue fields, headers):
     * U+0000 left out, an unpaired surrogate replaced by U+FFFD, and cut to {@code max} characters.
     */
    public static String cleaned(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (out.length() + 2 > max) {
                    break;
                }
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /** What makes {@code text} unstorable, or null when nothing does. */
    public static String problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "must not contain the character U+0000 (at character " + (i + 1)
                        + "): PostgreSQL cannot store it; leave it out or encode the data (e.g. base64)";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must be valid Unicode: it holds an unpaired surrogate \\u"
                        + Integer.toHexString(c).toUpperCase() + " (at character " + (i + 1) + ")";
            }
        }
        return null;
    }
}
