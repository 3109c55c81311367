package org.kgmigration.migrate;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kgmigration.error.KgmException;
import org.kgmigration.migrate.InspectReport.FolderReport;
import org.kgmigration.migrate.InspectReport.StoreReport;
import org.kgmigration.stream.CountingInputStream;
import org.kgmigration.stream.DumpReader;
import org.kgmigration.stream.DumpRecord;
import org.kgmigration.stream.DumpRecord.AttachmentEnd;
import org.kgmigration.stream.DumpRecord.Folder;
import org.kgmigration.stream.DumpRecord.FolderEnd;
import org.kgmigration.stream.DumpRecord.Store;
import org.kgmigration.stream.DumpRecord.StoreEnd;
import org.kgmigration.stream.DumpRecord.Trailer;
import org.kgmigration.stream.DumpValidator;
import org.kgmigration.stream.Prop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of {@code migrate inspect} (called by the route {@code inspect-dump}): reads a whole
 * dump through {@link DumpReader} and {@link DumpValidator} — every checksum, the record order,
 * every attachment's size and SHA-256, every FolderEnd/StoreEnd/Trailer count — and collects
 * what it holds per store and folder. Memory grows with the number of folders only.
 */
public class DumpInspector {
    private static final Logger LOG = LoggerFactory.getLogger(DumpInspector.class);
    private static final int PR_DISPLAY_NAME_W = 0x3001001F;
    private static final int PR_DISPLAY_NAME_A = 0x3001001E;
    private static final long PROGRESS_MILLIS = 30_000;

    /**
     * Opens the request's file (or takes standard input) and inspects it. A single named file is
     * opened here rather than through Camel's file component, which polls directories.
     *
     * @throws KgmException the file cannot be opened, or the dump is corrupt, truncated or invalid
     */
    public InspectReport inspect(InspectRequest request) throws IOException {
        if (request.input() == null) {
            return inspect(System.in);
        }
        Path file = request.input();
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new KgmException("dump file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new KgmException("dump file " + file + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new KgmException("dump file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (Files.isDirectory(file)) {
            in.close();
            throw new KgmException(file + " is a directory, not a dump file");
        }
        try (in) {
            return inspect(in);
        }
    }

    /** Reads the whole stream; the caller closes it. */
    public InspectReport inspect(InputStream input) throws IOException {
        CountingInputStream counted = new CountingInputStream(new BufferedInputStream(input, 1 << 16));
        DumpReader reader = new DumpReader(counted);
        DumpValidator v = new DumpValidator(reader);
        List<StoreReport> stores = new ArrayList<>();
        Map<String, String> paths = new HashMap<>();
        List<FolderReport> folders = null;
        Store store = null;
        Folder folder = null;
        long missing = 0;
        long nextLog = System.currentTimeMillis() + PROGRESS_MILLIS;
        DumpRecord r;
        while ((r = v.next()) != null) {
            if (r instanceof Store s) {
                store = s;
                folders = new ArrayList<>();
                paths.clear();
            } else if (r instanceof Folder f) {
                folder = f;
                missing = 0;
                String parent = f.parentId() == null ? null : paths.get(f.parentId());
                String path = parent == null ? "/" : (parent.endsWith("/") ? parent : parent + "/") + name(f);
                paths.put(f.id(), path);
            } else if (r instanceof AttachmentEnd e && e.missing()) {
                missing++;
            } else if (r instanceof FolderEnd e) {
                folders.add(new FolderReport(folder.id(), folder.parentId(), paths.get(folder.id()), folder.role(),
                        folder.deleted(), e.messages(), e.associated(), e.attachments(), missing, e.bytes()));
            } else if (r instanceof StoreEnd e) {
                stores.add(new StoreReport(store.guid(), store.type(), store.owner(), List.copyOf(folders), e.totals()));
            }
            if (System.currentTimeMillis() >= nextLog) {
                nextLog = System.currentTimeMillis() + PROGRESS_MILLIS;
                LOG.info("inspect: {} records, {} MiB read so far", reader.recordsRead(), reader.offset() >> 20);
            }
        }
        Trailer t = v.trailer();
        LOG.info("inspect: {} records, {} bytes, all checksums verified", reader.recordsRead(), reader.offset());
        return new InspectReport(v.header(), stores, t.total(), reader.recordsRead(), reader.offset(),
                reader.compressed(), counted.count(), t.finishedMillis());
    }

    private static String name(Folder f) {
        for (Prop p : f.props() == null ? List.<Prop>of() : f.props()) {
            if ((p.tag() == PR_DISPLAY_NAME_W || p.tag() == PR_DISPLAY_NAME_A) && p.value() instanceof String s) {
                return s;
            }
        }
        return "[" + f.id() + "]";
    }

    /** Renders the report: JSON for scripts, else text. */
    public String render(InspectReport report, boolean json) {
        return json ? report.toJson() : report.toText();
    }
}
