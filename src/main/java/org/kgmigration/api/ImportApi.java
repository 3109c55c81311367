package org.kgmigration.api;

/**
 * Constants of the importer HTTP API (version 1): paths, statuses and headers shared by the server
 * ({@code bin/importer serve}) and the client ({@code bin/migrate}). See docs/import-api.md.
 */
public final class ImportApi {
    /**
     * The API version the server speaks; a client compares the major number. 1.1 added inline blob
     * data ({@link BlobRef#data()}), {@link Limits#maxInlineBlobBytes()} and the blob query
     * ({@link #BLOB_QUERY_PATH}).
     */
    public static final String VERSION = "1.1";
    /** Most blobs in one blob query (published as {@link Limits#maxBlobQuery()}). */
    public static final int MAX_BLOB_QUERY = 10_000;
    /** Every path starts with this prefix. */
    public static final String BASE_PATH = "/api/v1";

    /** Item statuses in a message batch response. */
    public static final String IMPORTED = "imported";
    public static final String PRESENT = "present";
    public static final String SKIPPED = "skipped";
    public static final String REFUSED = "refused";

    /** Folder statuses in a folder response. */
    public static final String CREATED = "created";
    public static final String MAPPED = "mapped";

    /** Blob statuses. */
    public static final String STORED = "stored";

    /** Response header of HEAD/PUT on a blob: the stored size in bytes. */
    public static final String BLOB_SIZE_HEADER = "X-Blob-Size";

    /** The special folder roles that map onto the target's well-known folders. */
    public static final java.util.List<String> FOLDER_ROLES = java.util.List.of(
            "inbox", "sent", "drafts", "calendar", "contacts", "tasks", "notes", "journal", "deleted", "outbox", "junk");

    private ImportApi() {
    }

    /** Path of a user (preflight). */
    public static String userPath(String upn) {
        return BASE_PATH + "/users/" + encode(upn);
    }

    /** Path prefix of one source store of a user: append /folders, /messages or /complete. */
    public static String storePath(String upn, String storeGuid) {
        return userPath(upn) + "/stores/" + encode(storeGuid);
    }

    /** Path of the blob query (API 1.1): which of these blobs are not stored? */
    public static final String BLOB_QUERY_PATH = BASE_PATH + "/blobs/missing";

    /** Path of a blob. */
    public static String blobPath(String sha256) {
        return BASE_PATH + "/blobs/" + sha256;
    }

    private static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
