package org.kgmigration.importer.server;

import java.io.InputStream;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.kgmigration.api.BlobQueryResult;
import org.kgmigration.api.BlobStatus;
import org.kgmigration.api.Capabilities;
import org.kgmigration.api.FolderBatchResult;
import org.kgmigration.api.ImportApi;
import org.kgmigration.api.MessageBatchResult;
import org.kgmigration.api.StoreSummary;
import org.kgmigration.api.UserStatus;
import org.kgmigration.importer.ImportService;

/** The methods the API routes call: HTTP details (path parameters, status codes) around {@link ImportService}. */
public final class ImportApiBean {
    private final ImportService service;

    public ImportApiBean(ImportService service) {
        this.service = service;
    }

    public Capabilities capabilities() {
        return service.capabilities();
    }

    public UserStatus preflight(@Header("upn") String upn) {
        return service.preflight(upn);
    }

    public FolderBatchResult folders(@Header("upn") String upn, @Header("storeGuid") String storeGuid,
            @Body InputStream body) {
        return service.folders(upn, storeGuid, body);
    }

    /** HEAD: 200 with the size header when stored (404 otherwise); no body. */
    public Object blobExists(@Header("sha256") String sha256, Message out) {
        long size = service.blobSize(sha256);
        out.setHeader(ImportApi.BLOB_SIZE_HEADER, size);
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        return null;
    }

    /** PUT: 201 when stored now, 200 when it was already there. */
    public BlobStatus blobUpload(@Header("sha256") String sha256, @Body InputStream body, Message out) {
        BlobStatus s = service.putBlob(sha256, body);
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, s.status().equals(ImportApi.STORED) ? 201 : 200);
        out.setHeader(ImportApi.BLOB_SIZE_HEADER, s.size());
        return s;
    }

    /** POST /blobs/missing: the queried blobs that are not stored. */
    public BlobQueryResult missingBlobs(@Body InputStream body) {
        return service.missingBlobs(body);
    }

    public MessageBatchResult messages(@Header("upn") String upn, @Header("storeGuid") String storeGuid,
            @Body InputStream body) {
        return service.messages(upn, storeGuid, body);
    }

    public StoreSummary complete(@Header("upn") String upn, @Header("storeGuid") String storeGuid) {
        return service.complete(upn, storeGuid);
    }
}
