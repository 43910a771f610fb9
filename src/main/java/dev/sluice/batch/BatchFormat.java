package dev.sluice.batch;

/** How a batch body is laid out. */
public enum BatchFormat {
    /** One JSON object per line ({@code application/x-ndjson}); blank lines are skipped. */
    NDJSON,
    /** One JSON array of objects ({@code application/json}); "line" numbers are element numbers. */
    JSON_ARRAY
}
