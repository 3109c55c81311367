package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading attachment files ahead: the files of a files_v2 directory are read whole, nothing else. */
class FilePrefetchTest {
    @TempDir
    Path dir;

    private void file(String name, int size) throws Exception {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        Files.createDirectories(dir.resolve(name));
        Files.write(dir.resolve(name).resolve("content"), b);
    }

    @Test
    void the_files_of_a_batch_are_read_and_missing_or_lob_instances_are_skipped() throws Exception {
        file("aa/one", 3_000);
        file("bb/two", 5 << 20);
        AttachmentReader reader = new AttachmentReader(AttachmentReader.Kind.FILES_V2, dir, true, 10, 20);
        assertEquals(dir.resolve("aa/one/content"), reader.dataFile(1, "aa/one"));
        assertNull(reader.dataFile(2, "cc/missing"), "no such file");
        assertNull(reader.dataFile(3, null), "no filename: the lob table comes first");
        long read = FilePrefetch.start(reader, List.of(new FilePrefetch.Instance(1, "aa/one"),
                new FilePrefetch.Instance(2, "cc/missing"), new FilePrefetch.Instance(3, null),
                new FilePrefetch.Instance(4, "bb/two"))).get(10, TimeUnit.SECONDS);
        assertEquals(3_000 + (5 << 20), read, "both files read whole, nothing else");
        assertEquals(0L, FilePrefetch.start(reader, List.of()).get());
    }
}
