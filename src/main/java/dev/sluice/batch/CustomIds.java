package dev.sluice.batch;

/**
 * The custom_ids of one batch so far, to refuse a repeat with the line that first used it, in a
 * fixed 12 bytes an id however long it is: each id is kept as a 64-bit hash (with its line), in an
 * open-addressing table. A million ids of 255 characters cost 24 MB here, where a set of the
 * strings would take over 600 MB. Two different ids share a hash with a probability of about
 * n^2 / 2^65 (3 in 100 million for a million ids); the batch would then be refused as if they
 * were equal, which harms no one else.
 */
final class CustomIds {

    private long[] hashes = new long[1024];
    private int[] lines = new int[1024];
    private int size;

    /** Records {@code id} as first used on {@code line}; returns the line that used it first, or 0. */
    int firstUse(String id, int line) {
        long h = hash(id);
        int mask = hashes.length - 1;
        for (int i = (int) (h ^ (h >>> 32)) & mask; ; i = (i + 1) & mask) {
            if (hashes[i] == 0) {
                hashes[i] = h;
                lines[i] = line;
                if (++size * 4 > hashes.length * 3) {
                    grow();
                }
                return 0;
            }
            if (hashes[i] == h) {
                return lines[i];
            }
        }
    }

    /** FNV-1a over the characters, then MurmurHash3's 64-bit finaliser to spread the bits. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h; // 0 marks an empty slot
    }

    private void grow() {
        long[] oldHashes = hashes;
        int[] oldLines = lines;
        hashes = new long[oldHashes.length * 2];
        lines = new int[oldHashes.length * 2];
        int mask = hashes.length - 1;
        for (int j = 0; j < oldHashes.length; j++) {
            long h = oldHashes[j];
            if (h != 0) {
                int i = (int) (h ^ (h >>> 32)) & mask;
                while (hashes[i] != 0) {
                    i = (i + 1) & mask;
                }
                hashes[i] = h;
                lines[i] = oldLines[j];
            }
        }
    }
}
