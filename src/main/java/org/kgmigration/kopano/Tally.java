package org.kgmigration.kopano;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.kgmigration.stream.DumpRecord;

/** Thread-safe counters of what a dump wrote and skipped, turned into {@link DumpRecord.Totals}. */
public final class Tally {
    /** Skip reasons that are a choice of the run (not data problems): they do not make the exit code 3. */
    public static final String SOFT_DELETED_MESSAGE = "soft-deleted message";
    public static final String SOFT_DELETED_FOLDER = "soft-deleted folder";
    public static final String MESSAGE_IN_DELETED_FOLDER = "message in a soft-deleted folder";
    public static final String SEARCH_FOLDER = "search folder";
    /** Data problems: counted, reported, and they make the exit code 3. */
    public static final String UNNAMED_PROPERTY = "named property without a name (no names row)";
    public static final String BROKEN_PROPERTY = "property row without a value (NULL)";
    public static final String UNSUPPORTED_TYPE = "property of a type Kopano never stores";
    public static final String INVALID_UTF8 = "string with invalid UTF-8 (bad bytes replaced by U+FFFD)";
    public static final String DUPLICATE_PROPERTY = "property stored twice (as PT_STRING8 and PT_UNICODE)";
    public static final String EXTRA_EMBEDDED = "second embedded message under one attachment";
    public static final String TOO_DEEP = "embedded message nested deeper than 64 levels";

    public static final Set<String> BY_CHOICE = Set.of(SOFT_DELETED_MESSAGE, SOFT_DELETED_FOLDER,
            MESSAGE_IN_DELETED_FOLDER, SEARCH_FOLDER);

    public final LongAdder folders = new LongAdder();
    public final LongAdder messages = new LongAdder();
    public final LongAdder associated = new LongAdder();
    public final LongAdder attachments = new LongAdder();
    public final LongAdder attachmentBytes = new LongAdder();
    public final LongAdder missingAttachments = new LongAdder();
    private final Map<String, LongAdder> skipped = new ConcurrentHashMap<>();

    public void skip(String reason, long n) {
        if (n != 0) {
            skipped.computeIfAbsent(reason, k -> new LongAdder()).add(n);
        }
    }

    public void skip(String reason) {
        skip(reason, 1);
    }

    public long skipped(String reason) {
        LongAdder a = skipped.get(reason);
        return a == null ? 0 : a.sum();
    }

    public void add(DumpRecord.Totals t) {
        folders.add(t.folders());
        messages.add(t.messages());
        associated.add(t.associated());
        attachments.add(t.attachments());
        attachmentBytes.add(t.attachmentBytes());
        missingAttachments.add(t.missingAttachments());
        t.skipped().forEach(this::skip);
    }

    public DumpRecord.Totals totals() {
        Map<String, Long> s = new TreeMap<>();
        skipped.forEach((k, v) -> {
            if (v.sum() != 0) {
                s.put(k, v.sum());
            }
        });
        // sorted, so that equal dumps are equal byte for byte
        return new DumpRecord.Totals(folders.sum(), messages.sum(), associated.sum(), attachments.sum(),
                attachmentBytes.sum(), missingAttachments.sum(), java.util.Collections.unmodifiableMap(s));
    }

    /** Whether the totals show data problems (not just skips by choice such as soft-deleted items). */
    public static boolean hasProblems(DumpRecord.Totals t) {
        return t.missingAttachments() > 0 || t.skipped().keySet().stream().anyMatch(k -> !BY_CHOICE.contains(k));
    }
}
