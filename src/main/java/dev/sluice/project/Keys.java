package dev.sluice.project;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Making, recognising and hashing keys: {@code sk-sluice-} and 32 random base62 characters. */
final class Keys {

    static final String PREFIX = "sk-sluice-";
    /** 32 characters of 62: 190 bits. */
    private static final int RANDOM_CHARS = 32;
    /** A key given by the operator needs at least 22 characters after the prefix (128 bits of base62). */
    private static final int MIN_CHARS = 22;

    static final String RULE = "'" + PREFIX + "' followed by at least " + MIN_CHARS
            + " characters of A-Z, a-z, 0-9, '-' or '_' (at most 200 in all); make one with: echo " + PREFIX
            + "$(openssl rand -hex 24)";

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {}

    static String make() {
        StringBuilder key = new StringBuilder(PREFIX.length() + RANDOM_CHARS).append(PREFIX);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            key.append(BASE62[RANDOM.nextInt(BASE62.length)]);
        }
        return key.toString();
    }

    /** Whether the text could be a key; checked before any lookup, so junk costs no query. */
    static boolean wellFormed(String key) {
        if (key == null
                || key.length() > 200
                || !key.startsWith(PREFIX)
                || key.length() - PREFIX.length() < MIN_CHARS) {
            return false;
        }
        for (int i = PREFIX.length(); i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** What lists show to tell keys apart: the prefix and the first four random characters. */
    static String shownPrefix(String key) {
        return key.substring(0, PREFIX.length() + 4);
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
