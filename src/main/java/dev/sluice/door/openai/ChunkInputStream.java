package dev.sluice.door.openai;

import java.io.InputStream;

/** A stored file's content read back chunk by chunk, one chunk in memory, one query per chunk. */
final class ChunkInputStream extends InputStream {

    private final FileStore files;
    private final long fileId;
    private int next;
    private byte[] chunk = new byte[0];
    private int pos;
    private boolean done;

    ChunkInputStream(FileStore files, long fileId) {
        this.files = files;
        this.fileId = fileId;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        while (pos == chunk.length) {
            if (done) {
                return -1;
            }
            byte[] more = files.chunk(fileId, next++);
            if (more == null) {
                done = true;
                return -1;
            }
            chunk = more;
            pos = 0;
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }
}
