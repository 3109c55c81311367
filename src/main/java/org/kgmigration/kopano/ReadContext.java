package org.kgmigration.kopano;

/** What every reader of one dump shares (immutable, thread-safe). */
record ReadContext(Schema schema, NamedProps names, Directory directory, AttachmentReader attachments,
                   DumpOptions options, DumpListener listener) {
}
