package org.kgmigration.kopano;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kgmigration.stream.Sha256;
import org.kgmigration.stream.StoreSelector;
import org.kgmigration.testsupport.RealDataset;
import org.kgmigration.testsupport.TestDatabase;

/**
 * The {@code files} storage on a revision-63 schema, made from the files_v2 dataset: the schema is
 * turned into its ZCP 7.1 form (no versions.micro, no singleinstances.filename, names.guid a BLOB
 * with non-unique keys) and every instance moved into the fan-out layout {@code <id % L1>/<id / L1
 * % L2>/<id>}, some gzip-compressed as {@code <id>.gz} (one of them with two gzip members), some
 * raw, one raw file that itself is gzip data (it must arrive as it is), one missing.
 */
class FilesStorageTest {
    @TempDir
    Path att;

    static byte[] gzip(byte[]... members) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] m : members) {
            try (OutputStream z = new GZIPOutputStream(b) {
                @Override
                public void close() throws java.io.IOException {
                    finish();
                }
            }) {
                z.write(m);
            }
        }
        return b.toByteArray();
    }

    @Test
    void revision_63_files_storage_with_gzip_and_fanout_from_the_database() throws Exception {
        try (RealDataset ds = RealDataset.load(RealDataset.FILES_V2_DE); Connection c = ds.db().connect();
             Statement s = c.createStatement()) {
            List<long[]> ids = new ArrayList<>();
            List<String> names = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT instanceid, filename FROM singleinstances ORDER BY instanceid")) {
                while (rs.next()) {
                    ids.add(new long[] {rs.getLong(1)});
                    names.add(rs.getString(2));
                }
            }
            int l1 = 7;
            int l2 = 3;
            long rawGzipId = -1;
            long missingId = -1;
            long twoMembersId = -1;
            byte[] userGzip = gzip("a user's own .gz attachment\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < ids.size(); i++) {
                long id = ids.get(i)[0];
                byte[] content = Files.readAllBytes(ds.attachmentsDir().resolve(names.get(i)).resolve("content"));
                Path dir = att.resolve(Long.toString(id % l1)).resolve(Long.toString(id / l1 % l2));
                Files.createDirectories(dir);
                if (id % 2 == 1 && rawGzipId < 0) {
                    rawGzipId = id;
                    Files.write(dir.resolve(Long.toString(id)), userGzip);
                } else if (id % 2 == 1 && missingId < 0) {
                    missingId = id;
                    Files.write(dir.resolve(id + ".deleted"), content); // a deletion leftover: ignored
                } else if (id % 2 == 0 && twoMembersId < 0 && content.length > 10) {
                    twoMembersId = id;
                    int half = content.length / 2;
                    Files.write(dir.resolve(id + ".gz"), gzip(java.util.Arrays.copyOf(content, half),
                            java.util.Arrays.copyOfRange(content, half, content.length)));
                } else if (id % 2 == 0) {
                    Files.write(dir.resolve(id + ".gz"), gzip(content));
                } else {
                    Files.write(dir.resolve(Long.toString(id)), content);
                }
            }
            for (String q : new String[] {
                "DELETE FROM versions WHERE micro <> 0",
                "ALTER TABLE versions DROP PRIMARY KEY, DROP COLUMN micro, ADD PRIMARY KEY (major, minor, revision, databaserevision)",
                "UPDATE versions SET major = 7, minor = 1, databaserevision = 63",
                "ALTER TABLE singleinstances DROP COLUMN filename",
                "ALTER TABLE names DROP INDEX gni, DROP INDEX gns",
                "ALTER TABLE names MODIFY guid BLOB NOT NULL, ADD KEY guidnameid (guid(16), nameid), "
                        + "ADD KEY guidnamestring (guid(16), namestring(100))",
                "UPDATE settings SET value = 'files_v1-7-3' WHERE name = 'attachment_storage'"}) {
                s.execute(q);
            }
            SourceConfig cfg = new SourceConfig(TestDatabase.host(), TestDatabase.port(), null, ds.db().name(),
                    TestDatabase.user(), TestDatabase.password(), att, SourceConfig.Storage.AUTO, null, null, null);
            KopanoSource src = KopanoSource.open(cfg, true);
            assertEquals(63, src.schema().revision());
            assertEquals(false, src.schema().singleInstanceFilename());
            assertEquals(AttachmentReader.Kind.FILES, src.attachments().kind());
            assertTrue(src.attachments().describe().contains("fan-out 7/3"), src.attachments().describe());
            // the file open() reads, for reading it ahead: raw, compressed, or none
            AttachmentReader r = src.attachments();
            assertEquals(fanout(rawGzipId, l1, l2).resolve(Long.toString(rawGzipId)), r.dataFile(rawGzipId, null));
            assertEquals(fanout(twoMembersId, l1, l2).resolve(twoMembersId + ".gz"), r.dataFile(twoMembersId, null));
            assertNull(r.dataFile(missingId, null));

            DumpTree t = Dumps.dump(cfg, DumpOptions.defaults(), StoreSelector.all());
            assertEquals("files", t.header.attachmentStorage());
            assertEquals(63, t.header.schemaRevision());
            // the raw file that is gzip data arrives byte for byte
            String userSha = HexFormat.of().formatHex(Sha256.digest().digest(userGzip));
            List<DumpTree.AttT> all = new ArrayList<>();
            t.allTopMessages().forEach(m -> collect(m, all));
            assertEquals(1, all.stream().filter(a -> userSha.equals(a.sha256) && a.size == userGzip.length).count());
            // exactly one instance is missing, with the paths that were tried
            List<DumpTree.AttT> missing = all.stream().filter(a -> a.end.missing()).toList();
            assertEquals(1, missing.size());
            assertEquals(1, t.trailer.total().missingAttachments());
            String problem = missing.get(0).end.problem();
            long m = missingId;
            assertTrue(problem.contains(att.resolve(m % l1 + "/" + m / l1 % l2 + "/" + m + ".gz").toString())
                    && problem.contains(att.resolve(m % 10 + "/" + m / 10 % 20 + "/" + m).toString()), problem);
            // everything else, including the two-member gzip file and all named properties, is as Kopano presents it
            MapiCompare cmp = new MapiCompare(t);
            cmp.compareAll(ds.mapiProps());
            List<String> other = cmp.differences.stream().filter(d -> !d.contains("attachment data")).toList();
            assertTrue(other.isEmpty(), String.join("\n", other));
            assertEquals(2, cmp.differences.size(), String.join("\n", cmp.differences));
            assertTrue(twoMembersId > 0);
        }
    }

    private Path fanout(long id, int l1, int l2) {
        return att.resolve(Long.toString(id % l1)).resolve(Long.toString(id / l1 % l2));
    }

    private static void collect(DumpTree.MsgT m, List<DumpTree.AttT> out) {
        for (DumpTree.AttT a : m.attachments) {
            out.add(a);
            if (a.embedded != null) {
                collect(a.embedded, out);
            }
        }
    }
}
