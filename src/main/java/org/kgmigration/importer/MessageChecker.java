package org.kgmigration.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.kgmigration.api.AttachmentItem;
import org.kgmigration.api.BlobRef;
import org.kgmigration.api.EmbeddedMessage;
import org.kgmigration.api.MessageItem;
import org.kgmigration.api.Property;
import org.kgmigration.importer.PropertyCodec.Stored;
import org.kgmigration.importer.store.CheckedMessage;
import org.kgmigration.importer.store.CheckedMessage.CheckedAttachment;

/** Checks the structure of messages, folders and identities received over the API. */
public final class MessageChecker {
    private static final Pattern HEX = Pattern.compile("([0-9A-Fa-f]{2}){1,127}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** Embedded messages nest; a limit keeps a hostile request from recursing without end. */
    static final int MAX_DEPTH = 32;

    private MessageChecker() {
    }

    /** A store GUID: 32 hex digits, returned in upper case. */
    public static String storeGuid(String s) {
        if (s == null || !s.matches("[0-9A-Fa-f]{32}")) {
            throw new BadRequestException("store GUID '" + s + "' is not 32 hex digits");
        }
        return s.toUpperCase(Locale.ROOT);
    }

    /** A source key: hex bytes (1 to 127), returned in upper case. */
    public static String sourceKey(String s, String where) {
        if (s == null || !HEX.matcher(s).matches()) {
            throw new BadRequestException(where + ": source key '" + s + "' is not hex bytes");
        }
        return s.toUpperCase(Locale.ROOT);
    }

    /** A SHA-256 in lower-case hex. */
    public static String sha256(String s, String where) {
        if (s == null || !SHA256.matcher(s).matches()) {
            throw new BadRequestException(where + ": '" + s + "' is not a SHA-256 in lower-case hex (64 digits)");
        }
        return s;
    }

    public static List<Stored> properties(List<Property> props, String where) {
        if (props == null) {
            throw new BadRequestException(where + ": missing (an empty list is fine)");
        }
        List<Stored> out = new ArrayList<>(props.size());
        for (int i = 0; i < props.size(); i++) {
            out.add(PropertyCodec.check(props.get(i), where, i));
        }
        return out;
    }

    /** Checks a top-level message that must not carry inline blob data. */
    public static CheckedMessage check(MessageItem m, String where) {
        return check(m, where, 0);
    }

    /**
     * Checks a top-level message.
     *
     * @param maxInline the largest inline blob data accepted (0 = none): longer data, data whose length
     *                  is not the blob's size or whose SHA-256 is not the blob's are a 400
     */
    public static CheckedMessage check(MessageItem m, String where, long maxInline) {
        if (m == null) {
            throw new BadRequestException(where + ": null instead of a message");
        }
        String sk = sourceKey(m.sourceKey(), where + ".sourceKey");
        String folder = sourceKey(m.folder(), where + ".folder");
        CheckedMessage body = body(m.messageClass(), m.properties(), m.recipients(), m.attachments(), where, 0,
                maxInline);
        return new CheckedMessage(sk, folder, body.messageClass(), m.associated(), body.properties(), body.recipients(),
                body.attachments());
    }

    private static CheckedMessage body(String messageClass, List<Property> props, List<List<Property>> recipients,
            List<AttachmentItem> attachments, String where, int depth, long maxInline) {
        if (depth > MAX_DEPTH) {
            throw new BadRequestException(where + ": embedded messages nested deeper than " + MAX_DEPTH);
        }
        if (messageClass == null || messageClass.isBlank() || messageClass.length() > 255) {
            throw new BadRequestException(where + ".messageClass: missing or longer than 255 characters");
        }
        List<Stored> p = properties(props, where + ".properties");
        List<List<Stored>> r = new ArrayList<>();
        List<List<Property>> recips = recipients == null ? List.of() : recipients;
        for (int i = 0; i < recips.size(); i++) {
            r.add(properties(recips.get(i), where + ".recipients[" + i + "]"));
        }
        List<CheckedAttachment> a = new ArrayList<>();
        List<AttachmentItem> atts = attachments == null ? List.of() : attachments;
        for (int i = 0; i < atts.size(); i++) {
            a.add(attachment(atts.get(i), where + ".attachments[" + i + "]", depth, maxInline));
        }
        return new CheckedMessage(null, null, messageClass, false, p, r, a);
    }

    private static CheckedAttachment attachment(AttachmentItem a, String where, int depth, long maxInline) {
        if (a == null) {
            throw new BadRequestException(where + ": null instead of an attachment");
        }
        List<Stored> p = properties(a.properties(), where + ".properties");
        String sha = null;
        long size = 0;
        byte[] data = null;
        BlobRef b = a.blob();
        if (b != null) {
            sha = sha256(b.sha256(), where + ".blob.sha256");
            if (b.size() < 0) {
                throw new BadRequestException(where + ".blob.size: negative");
            }
            size = b.size();
            data = b.data();
            if (data != null) {
                inlineData(data, sha, size, where + ".blob.data", maxInline);
            }
        }
        if (a.missing() && b != null) {
            throw new BadRequestException(where + ": an attachment marked missing cannot have a blob");
        }
        CheckedMessage emb = null;
        EmbeddedMessage e = a.embedded();
        if (e != null) {
            emb = body(e.messageClass(), e.properties(), e.recipients(), e.attachments(), where + ".embedded", depth + 1,
                    maxInline);
        }
        return new CheckedAttachment(p, sha, size, data, a.missing(), emb);
    }

    private static void inlineData(byte[] data, String sha, long size, String where, long maxInline) {
        if (maxInline <= 0) {
            throw new BadRequestException(where + ": this server takes no inline attachment data"
                    + " (max_inline_blob_bytes is 0): upload it through PUT /blobs/{sha256}");
        }
        if (data.length > maxInline) {
            throw new BadRequestException(where + ": " + data.length + " bytes inline, more than max_inline_blob_bytes ("
                    + maxInline + "): upload it through PUT /blobs/{sha256}");
        }
        if (data.length != size) {
            throw new BadRequestException(where + ": " + data.length + " bytes, but the blob's size is " + size);
        }
        String got = java.util.HexFormat.of().formatHex(sha256Digest().digest(data));
        if (!got.equals(sha)) {
            throw new BadRequestException(where + ": the data has SHA-256 " + got + ", not " + sha);
        }
    }

    /** A new SHA-256 digest (the importer checks inline and uploaded attachment data with it). */
    public static java.security.MessageDigest sha256Digest() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
