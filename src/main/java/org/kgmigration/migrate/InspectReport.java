package org.kgmigration.migrate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kgmigration.stream.DumpRecord.Header;
import org.kgmigration.stream.DumpRecord.Owner;
import org.kgmigration.stream.DumpRecord.Totals;

/**
 * What {@code migrate inspect} found in a complete, valid dump: where it came from, per store and
 * folder the counts and bytes, and the totals. Rendered as text for people or JSON for scripts.
 *
 * @param header         the dump's Header
 * @param stores         the stores in stream order
 * @param total          the Trailer's totals (checked against the stores)
 * @param records        records in the stream (Header and Trailer included)
 * @param bytes          length of the uncompressed stream
 * @param compressed     the input was gzip-compressed
 * @param inputBytes     bytes read from the input (the file size for a file)
 * @param finishedMillis when kgdump finished writing (from the Trailer)
 */
public record InspectReport(Header header, List<StoreReport> stores, Totals total, long records, long bytes,
                            boolean compressed, long inputBytes, long finishedMillis) {

    /**
     * One store.
     *
     * @param guid    32 lowercase hex digits
     * @param type    private, public, archive or orphan
     * @param owner   the owner as the dump names it, or null
     * @param folders its folders in stream order (parents before children)
     * @param totals  its StoreEnd totals
     */
    public record StoreReport(String guid, String type, Owner owner, List<FolderReport> folders, Totals totals) {
    }

    /**
     * One folder (direct contents only).
     *
     * @param path               display names from the store's root folder down, e.g.
     *                           {@code /IPM_SUBTREE/Inbox}
     * @param missingAttachments attachments whose data kgdump could not read
     * @param bytes              attachment data bytes
     */
    public record FolderReport(String id, String parentId, String path, String role, boolean deleted,
                               long messages, long associated, long attachments, long missingAttachments,
                               long bytes) {
    }

    /** The report as pretty-printed JSON (one object; counts are numbers, store GUIDs 32 lowercase hex). */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("complete", true);
        m.put("formatVersion", header.formatVersion());
        m.put("records", records);
        m.put("bytes", bytes);
        m.put("compressed", compressed);
        m.put("inputBytes", inputBytes);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("tool", header.tool());
        h.put("toolVersion", header.toolVersion());
        h.put("sourceServerGuid", header.sourceServerGuid());
        h.put("schemaRevision", header.schemaRevision());
        h.put("attachmentStorage", header.attachmentStorage());
        h.put("started", Instant.ofEpochMilli(header.startedMillis()).toString());
        h.put("finished", Instant.ofEpochMilli(finishedMillis).toString());
        h.put("selection", header.selection());
        h.put("options", header.options());
        m.put("header", h);
        List<Object> ss = new ArrayList<>();
        for (StoreReport s : stores) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("guid", s.guid());
            sm.put("type", s.type());
            sm.put("owner", s.owner() == null ? null : owner(s.owner()));
            List<Object> fs = new ArrayList<>();
            for (FolderReport f : s.folders()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("id", f.id());
                fm.put("parentId", f.parentId());
                fm.put("path", f.path());
                fm.put("role", f.role());
                fm.put("deleted", f.deleted());
                fm.put("messages", f.messages());
                fm.put("associated", f.associated());
                fm.put("attachments", f.attachments());
                fm.put("missingAttachments", f.missingAttachments());
                fm.put("bytes", f.bytes());
                fs.add(fm);
            }
            sm.put("folders", fs);
            sm.put("totals", totals(s.totals()));
            ss.add(sm);
        }
        m.put("stores", ss);
        m.put("total", totals(total));
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the report as JSON", e);
        }
    }

    private static Map<String, Object> owner(Owner o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("userId", o.userId());
        m.put("loginName", o.loginName());
        m.put("email", o.email());
        m.put("fullName", o.fullName());
        m.put("active", o.active());
        m.put("lastOwnerName", o.lastOwnerName());
        m.put("companyId", o.companyId());
        return m;
    }

    private static Map<String, Object> totals(Totals t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("folders", t.folders());
        m.put("messages", t.messages());
        m.put("associated", t.associated());
        m.put("attachments", t.attachments());
        m.put("attachmentBytes", t.attachmentBytes());
        m.put("missingAttachments", t.missingAttachments());
        m.put("skipped", t.skipped() == null ? Map.of() : t.skipped());
        return m;
    }

    /** The report as text for an administrator. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Dump format %d, written by %s %s from server %s (schema revision %d, attachments %s)%n",
                header.formatVersion(), header.tool(), header.toolVersion(), header.sourceServerGuid(),
                header.schemaRevision(), header.attachmentStorage()));
        b.append(String.format("Started %s, finished %s; %d bytes%s%n", Instant.ofEpochMilli(header.startedMillis()),
                Instant.ofEpochMilli(finishedMillis), bytes,
                compressed ? " (" + inputBytes + " bytes gzip-compressed)" : ""));
        for (StoreReport s : stores) {
            b.append(String.format("%nStore %s  %s  owner: %s%n", s.guid(), s.type(), ownerText(s.owner())));
            int w = "FOLDER".length();
            int rw = "ROLE".length();
            for (FolderReport f : s.folders()) {
                w = Math.max(w, f.path().length() + (f.deleted() ? " (deleted)".length() : 0));
                rw = Math.max(rw, f.role() == null ? 1 : f.role().length());
            }
            String row = "  %-" + w + "s  %-" + rw + "s %9s %11s %12s %8s %14s%n";
            b.append(String.format(row, "FOLDER", "ROLE", "MESSAGES", "ASSOCIATED", "ATTACHMENTS", "MISSING", "BYTES"));
            for (FolderReport f : s.folders()) {
                b.append(String.format(row, f.path() + (f.deleted() ? " (deleted)" : ""), f.role() == null ? "-" : f.role(),
                        f.messages(), f.associated(), f.attachments(), f.missingAttachments(), f.bytes()));
            }
            b.append("  store: ").append(totalsText(s.totals())).append('\n');
            appendSkipped(b, "  skipped: ", s.totals());
        }
        b.append(String.format("%nTotal: %d store%s, %s%n", stores.size(), stores.size() == 1 ? "" : "s", totalsText(total)));
        appendSkipped(b, "Skipped: ", total);
        b.append(String.format("OK: complete dump, %d records, all checksums verified%n", records));
        return b.toString();
    }

    private static String ownerText(Owner o) {
        if (o == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(o.loginName() != null ? o.loginName()
                : o.lastOwnerName() != null ? o.lastOwnerName() : "?");
        if (o.email() != null) {
            b.append(" <").append(o.email()).append('>');
        }
        if (o.fullName() != null) {
            b.append(" (").append(o.fullName()).append(')');
        }
        return b.toString();
    }

    private static String totalsText(Totals t) {
        return String.format("%d folder%s, %d message%s, %d associated, %d attachment%s (%d missing), %d bytes",
                t.folders(), t.folders() == 1 ? "" : "s", t.messages(), t.messages() == 1 ? "" : "s", t.associated(),
                t.attachments(), t.attachments() == 1 ? "" : "s", t.missingAttachments(), t.attachmentBytes());
    }

    private static void appendSkipped(StringBuilder b, String prefix, Totals t) {
        if (t.skipped() == null || t.skipped().isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        t.skipped().forEach((reason, n) -> parts.add(reason + " " + n));
        b.append(prefix).append(String.join(", ", parts)).append('\n');
    }
}
