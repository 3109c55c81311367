package org.kgmigration.kopano;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A checked Kopano source: the connection works, the database is Kopano at revision 63 or later,
 * the attachment storage is readable; the named-property map and the user directory are loaded.
 * Holds no open connection.
 */
public final class KopanoSource {
    private final KopanoConnector connector;
    private final Schema schema;
    private final NamedProps names;
    private final Directory directory;
    private final AttachmentReader attachments;

    private KopanoSource(KopanoConnector connector, Schema schema, NamedProps names, Directory directory,
                         AttachmentReader attachments) {
        this.connector = connector;
        this.schema = schema;
        this.names = names;
        this.directory = directory;
        this.attachments = attachments;
    }

    /**
     * Connects and checks everything a dump needs.
     *
     * @param needAttachments whether the attachment storage must be usable ({@code stores} does not need it)
     * @throws SourceException with a one-line explanation
     */
    public static KopanoSource open(SourceConfig cfg, boolean needAttachments) {
        KopanoConnector connector = new KopanoConnector(cfg);
        try (Connection c = connector.connect()) {
            Schema schema = Schema.read(c, cfg.dbLabel());
            AttachmentReader att = needAttachments ? AttachmentReader.create(cfg, schema) : null;
            NamedProps names = NamedProps.load(c);
            Directory dir = Directory.load(c, schema);
            return new KopanoSource(connector, schema, names, dir, att);
        } catch (SQLException e) {
            throw new SourceException("cannot read database " + cfg.dbLabel() + ": " + KopanoConnector.firstLine(e.getMessage()), e);
        }
    }

    public KopanoConnector connector() {
        return connector;
    }

    public SourceConfig config() {
        return connector.config();
    }

    public Schema schema() {
        return schema;
    }

    public NamedProps names() {
        return names;
    }

    public Directory directory() {
        return directory;
    }

    public AttachmentReader attachments() {
        return attachments;
    }

    /** Every store with its owner. */
    public List<StoreInfo> stores() {
        try (Connection c = connector.connect()) {
            return StoreCatalog.stores(c, directory);
        } catch (SQLException e) {
            throw new SourceException("cannot list the stores of " + config().dbLabel() + ": "
                    + KopanoConnector.firstLine(e.getMessage()), e);
        }
    }

    /** Counts for the given stores (folder trees and message census). */
    public Map<StoreInfo, StoreStats> stats(List<StoreInfo> stores) {
        try (Connection c = connector.snapshot()) {
            return StoreCatalog.stats(c, stores);
        } catch (SQLException e) {
            throw new SourceException("cannot count the contents of " + config().dbLabel() + ": "
                    + KopanoConnector.firstLine(e.getMessage()), e);
        }
    }

    /** Store objects removed with kopano-storeadm -R, waiting for the purge (never dumped). */
    public long removedStores() {
        try (Connection c = connector.connect()) {
            return StoreCatalog.removedStores(c);
        } catch (SQLException e) {
            throw new SourceException("cannot list the stores of " + config().dbLabel() + ": "
                    + KopanoConnector.firstLine(e.getMessage()), e);
        }
    }
}
