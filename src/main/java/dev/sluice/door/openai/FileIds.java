package dev.sluice.door.openai;

/**
 * The door's ids on the wire: an uploaded file is {@code file-<n>}; a batch is {@code batch_<n>}
 * (its Sluice batch id) and its output and error files {@code file-out-<n>} and {@code file-err-<n>},
 * made from its jobs when read. An id that is none of these is not found.
 */
final class FileIds {

    enum Kind {
        INPUT,
        OUTPUT,
        ERRORS
    }

    record FileId(Kind kind, long number) {}

    private FileIds() {}

    static String input(long id) {
        return "file-" + id;
    }

    static String output(long batchId) {
        return "file-out-" + batchId;
    }

    static String errors(long batchId) {
        return "file-err-" + batchId;
    }

    static String batch(long batchId) {
        return "batch_" + batchId;
    }

    /** The file an id names, or null when it names none. */
    static FileId file(String id) {
        if (id == null) {
            return null;
        }
        if (id.startsWith("file-out-")) {
            Long n = number(id.substring(9));
            return n == null ? null : new FileId(Kind.OUTPUT, n);
        }
        if (id.startsWith("file-err-")) {
            Long n = number(id.substring(9));
            return n == null ? null : new FileId(Kind.ERRORS, n);
        }
        if (id.startsWith("file-")) {
            Long n = number(id.substring(5));
            return n == null ? null : new FileId(Kind.INPUT, n);
        }
        return null;
    }

    /** The batch number of {@code batch_<n>}, or null. */
    static Long batch(String id) {
        return id != null && id.startsWith("batch_") ? number(id.substring(6)) : null;
    }

    private static Long number(String digits) {
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
            return null;
        }
        long n = Long.parseLong(digits);
        return n > 0 ? n : null;
    }
}
