package org.kgmigration.importer.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Attachment data kept in files beside the mailbox store's database ({@code data_dir/blobs}): each
 * writer (one message batch's inline data, or one upload) appends its blobs to a new pack file
 * named by a random UUID, {@code blobs/3f/3f2c….pack}, and forces it to disk before the database
 * rows that name it (upload id + offset) are committed. A pack that no row names is left over by a
 * failed or interrupted write and is removed by {@link MailboxStore#removeIncompleteUploads}.
 *
 * <p>The directory carries the id of the store it belongs to ({@code blobs/store-id}, also in the
 * database's {@code imp_meta}), so that a store is never read or written with another store's
 * attachment directory.
 */
final class BlobFiles {
    static final String ID_FILE = "store-id";
    private static final String SUFFIX = ".pack";
    private static final Pattern PACK = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final Path dir;

    BlobFiles(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    Path dir() {
        return dir;
    }

    /** The store id written in the directory, or null when there is none (a new directory). */
    String readId() throws IOException {
        try {
            return Files.readString(dir.resolve(ID_FILE)).strip();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Writes the store id into a directory that has none (created when missing); an id already there stays. */
    void writeId(String id) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(ID_FILE + "." + UUID.randomUUID() + ".tmp");
        Files.writeString(tmp, id + "\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        try {
            Files.move(tmp, dir.resolve(ID_FILE)); // fails when another process wrote one first: the caller reads it again
        } catch (FileAlreadyExistsException e) {
            // the caller compares what is there
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    private Path path(String pack) {
        if (!PACK.matcher(pack).matches()) {
            throw new IllegalArgumentException("'" + pack + "' is not a pack name");
        }
        return dir.resolve(pack.substring(0, 2)).resolve(pack + SUFFIX);
    }

    /** A new, empty pack file. */
    Pack create() throws IOException {
        String name = UUID.randomUUID().toString();
        Path p = path(name);
        Path parent = p.getParent();
        if (!Files.isDirectory(parent)) {
            Files.createDirectories(parent);
            syncDirectory(dir);
        }
        return new Pack(name, p, FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    /** {@code size} bytes of pack {@code pack} from {@code offset}; fails when the pack is shorter. */
    InputStream open(String pack, long offset, long size) throws IOException {
        FileChannel ch = FileChannel.open(path(pack), StandardOpenOption.READ);
        try {
            if (ch.size() < offset + size) {
                throw new IOException("attachment data file " + path(pack) + " holds " + ch.size() + " bytes, "
                        + (offset + size) + " expected: it was truncated");
            }
            ch.position(offset);
            return new BoundedInputStream(Channels.newInputStream(ch), size);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Removes a pack file (no error when it is gone). */
    void delete(String pack) throws IOException {
        Files.deleteIfExists(path(pack));
    }

    /** The packs on disk whose files were last written before {@code before}. */
    List<String> packsOlderThan(FileTime before) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> subs = Files.newDirectoryStream(dir, p -> Files.isDirectory(p))) {
            for (Path sub : subs) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(sub, "*" + SUFFIX)) {
                    for (Path f : files) {
                        String name = f.getFileName().toString();
                        name = name.substring(0, name.length() - SUFFIX.length());
                        if (PACK.matcher(name).matches() && Files.getLastModifiedTime(f).compareTo(before) < 0) {
                            out.add(name);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void syncDirectory(Path d) throws IOException {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory for reading; the file's own force still holds
            if (!Files.isDirectory(d)) {
                throw e;
            }
        }
    }

    /** A pack being written: blobs appended one after the other, then {@link #sync}ed or discarded. */
    static final class Pack implements AutoCloseable {
        private final String name;
        private final Path file;
        private final FileChannel ch;
        private long size;
        private boolean open = true;

        private Pack(String name, Path file, FileChannel ch) {
            this.name = name;
            this.file = file;
            this.ch = ch;
        }

        /** The pack's name (stored as the blobs' upload id). */
        String name() {
            return name;
        }

        /** Appends {@code len} bytes; returns the offset they start at. */
        long append(byte[] b, int off, int len) throws IOException {
            long at = size;
            ByteBuffer bb = ByteBuffer.wrap(b, off, len);
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
            size += len;
            return at;
        }

        /** Forces the data to disk and closes the file; its rows may be committed after this. */
        void sync() throws IOException {
            if (open) {
                ch.force(false);
                ch.close();
                open = false;
            }
        }

        /** Closes and removes the file: none of its data is stored. */
        void discard() throws IOException {
            close();
            Files.deleteIfExists(file);
        }

        @Override
        public void close() throws IOException {
            if (open) {
                open = false;
                ch.close();
            }
        }
    }

    /** Reads at most {@code left} bytes, then end of stream. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long left;

        BoundedInputStream(InputStream in, long left) {
            super(in);
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(Math.min(n, left));
            left -= s;
            return s;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }
    }
}
