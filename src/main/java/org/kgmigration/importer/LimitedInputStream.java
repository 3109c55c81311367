package org.kgmigration.importer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fails with {@link TooLarge} once more than {@code max} bytes were read. */
final class LimitedInputStream extends FilterInputStream {
    private final long max;
    private final String what;
    private long count;

    LimitedInputStream(InputStream in, long max, String what) {
        super(in);
        this.max = max;
        this.what = what;
    }

    /** The body is larger than the limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    private void count(long n) throws TooLarge {
        if (n > 0) {
            count += n;
            if (count > max) {
                throw new TooLarge("the request body is larger than " + what + " (" + max + " bytes)");
            }
        }
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
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        count(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        count(s);
        return s;
    }
}
