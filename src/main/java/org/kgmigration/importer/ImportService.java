package org.kgmigration.importer;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kgmigration.api.ApiJson;
import org.kgmigration.api.BlobQuery;
import org.kgmigration.api.BlobQueryResult;
import org.kgmigration.api.BlobRef;
import org.kgmigration.api.BlobStatus;
import org.kgmigration.api.Capabilities;
import org.kgmigration.api.FolderBatch;
import org.kgmigration.api.FolderBatchResult;
import org.kgmigration.api.FolderItem;
import org.kgmigration.api.FolderResult;
import org.kgmigration.api.ImportApi;
import org.kgmigration.api.ItemResult;
import org.kgmigration.api.MessageBatchResult;
import org.kgmigration.api.MessageItem;
import org.kgmigration.api.StoreSummary;
import org.kgmigration.api.UserStatus;
import org.kgmigration.cli.Version;
import org.kgmigration.importer.PropertyCodec.Stored;
import org.kgmigration.importer.store.CheckedMessage;
import org.kgmigration.importer.store.CheckedMessage.CheckedAttachment;
import org.kgmigration.importer.store.MailboxStore;
import org.kgmigration.importer.store.UserRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the import API does, independent of HTTP: user checks, the message-class whitelist, quota,
 * idempotent writes. The Camel routes call it through {@link ImportApiBean}.
 */
public final class ImportService {
    private static final Logger LOG = LoggerFactory.getLogger(ImportService.class);
    private final MailboxStore store;
    private final LiveConfig config;
    /** The request mapper for the current max_batch_bytes (a new mapper would build its deserializers anew). */
    private volatile Mapper mapper;

    private record Mapper(long maxBatchBytes, ObjectMapper json) {
    }

    /** The mapper for the limits in force: made again only when max_batch_bytes changes. */
    private ObjectMapper mapper(LiveConfig.Snapshot s) {
        long max = s.limits().maxBatchBytes();
        Mapper m = mapper;
        if (m == null || m.maxBatchBytes() != max) {
            m = new Mapper(max, ApiJson.mapper((int) Math.min(Integer.MAX_VALUE, max)));
            mapper = m;
        }
        return m.json();
    }

    /** A whole request body of at most max_batch_bytes as {@code type}; a 400 when it is not that. */
    private <T> T readBody(InputStream body, LiveConfig.Snapshot s, Class<T> type) {
        try (InputStream in = new LimitedInputStream(body, s.limits().maxBatchBytes(), "max_batch_bytes")) {
            return mapper(s).readValue(in, type);
        } catch (IOException e) {
            throw badJson(e, "");
        }
    }

    public ImportService(MailboxStore store, LiveConfig config) {
        this.store = store;
        this.config = config;
    }

    public MailboxStore store() {
        return store;
    }

    public Capabilities capabilities() {
        LiveConfig.Snapshot s = config.current();
        return new Capabilities(ImportApi.VERSION, Version.get(), s.classes().entries(), s.limits(), s.enforceQuota(),
                ImportApi.FOLDER_ROLES, MapiType.names());
    }

    public UserStatus preflight(String upn) {
        UserRow u = store.user(upn(upn));
        if (u == null) {
            throw missing(upn);
        }
        return new UserStatus(u.upn(), u.displayName(), true, u.active(), u.quotaBytes(), u.usageBytes(),
                u.messageCount(), config.current().enforceQuota());
    }

    private static String upn(String upn) {
        try {
            return MailboxStore.normalizeUpn(upn);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    private static ApiException missing(String upn) {
        return new ApiException(404, "user-not-found", "target user '" + upn + "' does not exist: create it first"
                + " (bin/importer users add " + upn + " --inactive) or sync it from the directory");
    }

    private static void checkImportable(UserRow u, String upn) {
        if (u == null) {
            throw missing(upn);
        }
        if (u.active()) {
            throw new ApiException(409, "user-active", "mailbox must be inactive during import: target user '"
                    + u.upn() + "' is active (bin/importer users set-active " + u.upn() + " false)");
        }
    }

    /** Creates or maps the folders of one source store. */
    public FolderBatchResult folders(String upn, String storeGuid, InputStream body) {
        String user = upn(upn);
        String store = MessageChecker.storeGuid(storeGuid);
        FolderBatch batch = readBody(body, config.current(), FolderBatch.class);
        if (batch == null || batch.folders() == null) {
            throw new BadRequestException("folders: missing");
        }
        record Checked(String key, String parent, String role, String name, String cls, List<Stored> props) {
        }
        List<Checked> checked = new ArrayList<>();
        for (int i = 0; i < batch.folders().size(); i++) {
            FolderItem f = batch.folders().get(i);
            String where = "folders[" + i + "]";
            if (f == null) {
                throw new BadRequestException(where + ": null instead of a folder");
            }
            String key = MessageChecker.sourceKey(f.sourceKey(), where + ".sourceKey");
            String parent = f.parent() == null ? null : MessageChecker.sourceKey(f.parent(), where + ".parent");
            if (f.role() != null && !ImportApi.FOLDER_ROLES.contains(f.role())) {
                throw new BadRequestException(where + ".role: '" + f.role() + "' is not one of " + ImportApi.FOLDER_ROLES);
            }
            if (f.displayName() == null || f.displayName().length() > 1024) {
                throw new BadRequestException(where + ".displayName: missing or longer than 1024 characters");
            }
            if (f.containerClass() != null && f.containerClass().length() > 255) {
                throw new BadRequestException(where + ".containerClass: longer than 255 characters");
            }
            checked.add(new Checked(key, parent, f.role(), f.displayName(), f.containerClass(),
                    MessageChecker.properties(f.properties(), where + ".properties")));
        }
        FolderBatchResult r = this.store.write(user, w -> {
            checkImportable(w.user(), user);
            List<FolderResult> out = new ArrayList<>();
            for (Checked c : checked) {
                out.add(w.putFolder(store, c.key(), c.parent(), c.role(), c.name(), c.cls(), c.props()));
            }
            return new FolderBatchResult(out);
        });
        long created = r.folders().stream().filter(f -> f.status().equals(ImportApi.CREATED)).count();
        LOG.info("folders for {} store {}: {} sent, {} created, {} mapped, {} already present", user, store,
                r.folders().size(), created,
                r.folders().stream().filter(f -> f.status().equals(ImportApi.MAPPED)).count(),
                r.folders().stream().filter(f -> f.status().equals(ImportApi.PRESENT)).count());
        return r;
    }

    /** Size of a stored blob; 404 when it is not stored. */
    public long blobSize(String sha256) {
        String sha = MessageChecker.sha256(sha256, "blob");
        Long size = store.blobSize(sha);
        if (size == null) {
            throw new ApiException(404, "blob-not-found", "blob " + sha + " is not stored");
        }
        return size;
    }

    /** Stores a blob from the request body (streamed). */
    public BlobStatus putBlob(String sha256, InputStream body) {
        String sha = MessageChecker.sha256(sha256, "blob");
        long max = config.current().limits().maxBlobBytes();
        boolean stored = store.putBlob(sha, body, max);
        long size = store.blobSize(sha);
        if (stored) {
            LOG.debug("blob {} stored ({} bytes)", sha, size);
        }
        return new BlobStatus(sha, size, stored ? ImportApi.STORED : ImportApi.PRESENT);
    }

    /**
     * Imports a batch of messages, reading the body as a stream (one item in memory at a time),
     * in one transaction: a malformed item anywhere rolls the whole batch back (400).
     */
    public MessageBatchResult messages(String upn, String storeGuid, InputStream body) {
        String user = upn(upn);
        String store = MessageChecker.storeGuid(storeGuid);
        LiveConfig.Snapshot s = config.current();
        ObjectMapper m = mapper(s);
        ObjectReader itemReader = m.readerFor(MessageItem.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        long started = System.nanoTime();
        MessageBatchResult r = this.store.write(user, w -> {
            checkImportable(w.user(), user);
            UserRow u = w.user();
            List<ItemResult> results = new ArrayList<>();
            long addedBytes = 0;
            long addedCount = 0;
            int index = 0;
            try (InputStream in = new LimitedInputStream(body, s.limits().maxBatchBytes(), "max_batch_bytes");
                 JsonParser p = m.createParser(in)) {
                expect(p.nextToken(), JsonToken.START_OBJECT, "the body must be a JSON object {\"items\": [...]}");
                boolean sawItems = false;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String field = p.currentName();
                    if (!"items".equals(field) || sawItems) {
                        throw new BadRequestException("unexpected field '" + field + "' (the body is {\"items\": [...]})");
                    }
                    sawItems = true;
                    expect(p.nextToken(), JsonToken.START_ARRAY, "items must be an array");
                    for (JsonToken it = p.nextToken(); it != JsonToken.END_ARRAY; it = p.nextToken()) {
                        String where = "items[" + index + "]";
                        if (index >= s.limits().maxBatchItems()) {
                            throw new BadRequestException("the batch has more than max_batch_items ("
                                    + s.limits().maxBatchItems() + ") items");
                        }
                        expect(it, JsonToken.START_OBJECT, where + " must be an object");
                        MessageItem item;
                        try {
                            item = itemReader.readValue(p);
                        } catch (JsonProcessingException e) {
                            throw badJson(e, where);
                        }
                        CheckedMessage cm = MessageChecker.check(item, where, inlineLimit(s));
                        ItemResult res = importOne(w, u, store, cm, s, u.usageBytes() + addedBytes);
                        if (res.status().equals(ImportApi.IMPORTED)) {
                            addedBytes += cm.size();
                            addedCount++;
                        }
                        results.add(res);
                        index++;
                    }
                }
                if (!sawItems) {
                    throw new BadRequestException("the body has no \"items\" array");
                }
                if (p.nextToken() != null) {
                    throw new BadRequestException("data after the end of the JSON object");
                }
            } catch (IOException e) {
                throw badJson(e, "items[" + index + "]");
            }
            w.addUsage(addedBytes, addedCount);
            return summarize(results);
        });
        LOG.info("batch for {} store {}: {} imported, {} already present, {} skipped, {} refused ({} ms)", user, store,
                r.imported(), r.present(), r.skipped(), r.refused(), (System.nanoTime() - started) / 1_000_000);
        return r;
    }

    private static long inlineLimit(LiveConfig.Snapshot s) {
        Long l = s.limits().maxInlineBlobBytes();
        return l == null ? 0 : l;
    }

    /**
     * The blob query: which of the blobs in the body are not stored (or stored with another size), in
     * request order.
     */
    public BlobQueryResult missingBlobs(InputStream body) {
        BlobQuery q = readBody(body, config.current(), BlobQuery.class);
        if (q == null || q.blobs() == null) {
            throw new BadRequestException("blobs: missing");
        }
        if (q.blobs().size() > ImportApi.MAX_BLOB_QUERY) {
            throw new BadRequestException("blobs: " + q.blobs().size() + " entries, more than maxBlobQuery ("
                    + ImportApi.MAX_BLOB_QUERY + ")");
        }
        List<String> shas = new ArrayList<>(q.blobs().size());
        for (int i = 0; i < q.blobs().size(); i++) {
            BlobRef b = q.blobs().get(i);
            String where = "blobs[" + i + "]";
            if (b == null) {
                throw new BadRequestException(where + ": null instead of {\"sha256\", \"size\"}");
            }
            shas.add(MessageChecker.sha256(b.sha256(), where + ".sha256"));
            if (b.size() < 0) {
                throw new BadRequestException(where + ".size: negative");
            }
            if (b.data() != null) {
                throw new BadRequestException(where + ".data: a blob query carries no data");
            }
        }
        Map<String, Long> have = store.blobSizes(shas);
        List<BlobRef> missing = new ArrayList<>();
        for (BlobRef b : q.blobs()) {
            Long size = have.get(b.sha256());
            if (size == null || size != b.size()) {
                missing.add(BlobRef.of(b.sha256(), b.size()));
            }
        }
        LOG.debug("blob query: {} asked, {} missing", q.blobs().size(), missing.size());
        return new BlobQueryResult(missing);
    }

    private ItemResult importOne(MailboxStore.Writer w, UserRow u, String store, CheckedMessage m,
            LiveConfig.Snapshot s, long usage) throws java.sql.SQLException {
        String sk = m.sourceKey();
        String cls = m.messageClass();
        if (!s.classes().allows(cls)) {
            LOG.warn("message class not supported yet: class={} user={} store={} sourceKey={} folder={}", cls, u.upn(),
                    store, sk, m.folderKey());
            return new ItemResult(sk, ImportApi.SKIPPED, cls, "message class not supported yet: " + cls);
        }
        if (w.messageExists(store, sk)) {
            return new ItemResult(sk, ImportApi.PRESENT, cls, null);
        }
        Long folder = w.folderFor(store, m.folderKey());
        if (folder == null) {
            return new ItemResult(sk, ImportApi.REFUSED, cls, "folder " + m.folderKey()
                    + " is not known: create it through the folders endpoint first");
        }
        List<CheckedAttachment> blobs = new ArrayList<>();
        m.blobs(blobs::add);
        List<CheckedAttachment> toStore = new ArrayList<>();
        if (!blobs.isEmpty()) {
            Map<String, Long> have = w.blobSizes(blobs.stream().map(CheckedAttachment::blobSha256).toList());
            List<String> problems = new ArrayList<>();
            for (CheckedAttachment a : blobs) {
                Long size = have.get(a.blobSha256());
                if (size == null && a.blobData() != null) {
                    toStore.add(a);
                } else if (size == null) {
                    problems.add("attachment data " + a.blobSha256() + " is not uploaded");
                } else if (size != a.blobSize()) {
                    problems.add("attachment data " + a.blobSha256() + " has " + size + " bytes, the message says "
                            + a.blobSize());
                }
            }
            if (!problems.isEmpty()) {
                return new ItemResult(sk, ImportApi.REFUSED, cls, String.join("; ", problems));
            }
        }
        long size = m.size();
        if (s.enforceQuota() && u.quotaBytes() != null && usage + size > u.quotaBytes()) {
            throw new ApiException(507, "quota-exceeded", "importing this batch would exceed the quota of "
                    + u.upn() + ": " + usage + " bytes used + " + size + " bytes for message " + sk + " > quota "
                    + u.quotaBytes() + " bytes; nothing of the batch was stored (raise the quota with"
                    + " 'bin/importer users set-quota' or set enforce_quota: false)");
        }
        w.insertMessage(store, m, folder);
        for (CheckedAttachment a : toStore) {
            w.stageBlob(a.blobSha256(), a.blobData());
        }
        return new ItemResult(sk, ImportApi.IMPORTED, cls, null);
    }

    private static MessageBatchResult summarize(List<ItemResult> results) {
        int imported = 0;
        int present = 0;
        int skipped = 0;
        int refused = 0;
        for (ItemResult r : results) {
            switch (r.status()) {
                case ImportApi.IMPORTED -> imported++;
                case ImportApi.PRESENT -> present++;
                case ImportApi.SKIPPED -> skipped++;
                default -> refused++;
            }
        }
        return new MessageBatchResult(imported, present, skipped, refused, results);
    }

    /** Marks a source store complete and returns the server's counts for it. */
    public StoreSummary complete(String upn, String storeGuid) {
        String user = upn(upn);
        String store = MessageChecker.storeGuid(storeGuid);
        UserRow u = this.store.write(user, w -> {
            checkImportable(w.user(), user);
            w.markComplete(store);
            return w.user();
        });
        StoreSummary sum = this.store.summary(u, store);
        LOG.info("store {} of {} complete: {} folders, {} messages, {} attachments, {} bytes", store, user,
                sum.folders(), sum.messages(), sum.attachments(), sum.bytes());
        return sum;
    }

    private static void expect(JsonToken got, JsonToken want, String message) {
        if (got != want) {
            throw new BadRequestException(message);
        }
    }

    private static BadRequestException badJson(IOException e, String where) {
        String prefix = where.isEmpty() ? "" : where + ": ";
        if (e instanceof LimitedInputStream.TooLarge) {
            return new BadRequestException(e.getMessage());
        }
        if (e instanceof JsonMappingException jm) {
            String path = jm.getPath().isEmpty() ? "" : " at " + describe(jm.getPath());
            return new BadRequestException(prefix + jm.getOriginalMessage().replaceAll("\\s+", " ") + path);
        }
        if (e instanceof JsonParseException jp) {
            return new BadRequestException(prefix + "bad JSON: " + jp.getOriginalMessage().replaceAll("\\s+", " ")
                    + (jp.getLocation() == null ? "" : " (byte " + jp.getLocation().getByteOffset() + ")"));
        }
        if (e instanceof JsonProcessingException jp) {
            return new BadRequestException(prefix + jp.getOriginalMessage().replaceAll("\\s+", " "));
        }
        return new BadRequestException(prefix + "cannot read the request body: " + e.getMessage());
    }

    private static String describe(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() > 0 && sb.charAt(0) == '.' ? sb.substring(1) : sb.toString();
    }
}
