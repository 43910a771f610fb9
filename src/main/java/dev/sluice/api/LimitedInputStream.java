package dev.sluice.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.util.unit.DataSize;

/** Passes a request body through, and throws {@link BodyTooLargeException} once it passes the limit. */
public final class LimitedInputStream extends FilterInputStream {

    private final DataSize limit;
    private final String property;
    private long read;

    public LimitedInputStream(InputStream in, DataSize limit, String property) {
        super(in);
        this.limit = limit;
        this.property = property;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) {
        read += n;
        if (read > limit.toBytes()) {
            throw new BodyTooLargeException(limit, property);
        }
    }
}
