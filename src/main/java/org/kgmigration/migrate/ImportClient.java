package org.kgmigration.migrate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.FileEntity;
import org.kgmigration.api.BlobQuery;
import org.kgmigration.api.BlobQueryResult;
import org.kgmigration.api.BlobRef;
import org.kgmigration.api.Capabilities;
import org.kgmigration.api.FolderBatch;
import org.kgmigration.api.FolderBatchResult;
import org.kgmigration.api.ImportApi;
import org.kgmigration.api.MessageBatchResult;
import org.kgmigration.api.StoreSummary;
import org.kgmigration.api.UserStatus;

/**
 * The client side of the import API: each call sends one request through its Camel route
 * ({@code direct:import-*}, files {@code routes/import-*.camel.yaml}), where camel-http talks
 * HTTPS and the {@code import-delivery} route configuration retries timeouts, connection errors
 * and 5xx answers with exponential back-off. What is left after the retries comes back here as
 * an {@link ApiFailure} with one line for the operator.
 */
public final class ImportClient {
    /** The response mapper: lenient about fields a newer server may add. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            .build();

    private final ProducerTemplate template;
    private final String baseUrl;
    private final String token;

    public ImportClient(ProducerTemplate template, String baseUrl, String token) {
        this.template = template;
        this.baseUrl = baseUrl;
        this.token = token;
    }

    public Capabilities capabilities() {
        return read(call("direct:import-capabilities", ImportApi.BASE_PATH + "/capabilities", null, null),
                Capabilities.class);
    }

    /** The target user's status; a missing user is an {@link ApiFailure} with status 404. */
    public UserStatus preflight(String upn) {
        return read(call("direct:import-preflight", ImportApi.userPath(upn), null, null), UserStatus.class);
    }

    public FolderBatchResult folders(String upn, String storeGuid, FolderBatch batch) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(batch);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return read(call("direct:import-folders", ImportApi.storePath(upn, storeGuid) + "/folders", body, storeGuid),
                FolderBatchResult.class);
    }

    /** The stored size of a blob, or -1 when the server does not have it. */
    public long blobSize(String sha256, String store) {
        Exchange ex = exchange("direct:import-blob-head", ImportApi.blobPath(sha256), null, store);
        Integer code = ex.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (code != null && code == 404) {
            return -1;
        }
        Long size = ex.getMessage().getHeader(ImportApi.BLOB_SIZE_HEADER, Long.class);
        return size == null ? -1 : size;
    }

    /**
     * API 1.1: which of {@code blobs} the server does not have (or has with another size), in one
     * request; at most the server's {@code maxBlobQuery} of them.
     */
    public List<BlobRef> missingBlobs(List<BlobRef> blobs, String store) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(new BlobQuery(blobs));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        BlobQueryResult r = read(call("direct:import-blob-query", ImportApi.BLOB_QUERY_PATH, body, store),
                BlobQueryResult.class);
        return r.missing() == null ? List.of() : r.missing();
    }

    /** Uploads a blob from a file (streamed; the file entity is repeatable, so a retry re-reads it). */
    public void putBlob(String sha256, Path file, String store) {
        FileEntity entity = new FileEntity(file.toFile(), ContentType.APPLICATION_OCTET_STREAM);
        call("direct:import-blob-put", ImportApi.blobPath(sha256), entity, store);
    }

    /** Posts a batch: {@code body} is the JSON {@code {"items": [...]}}. */
    public MessageBatchResult messages(String upn, String storeGuid, byte[] body) {
        return read(call("direct:import-messages", ImportApi.storePath(upn, storeGuid) + "/messages", body, storeGuid),
                MessageBatchResult.class);
    }

    public StoreSummary complete(String upn, String storeGuid) {
        return read(call("direct:import-complete", ImportApi.storePath(upn, storeGuid) + "/complete",
                "{}".getBytes(StandardCharsets.UTF_8), storeGuid), StoreSummary.class);
    }

    private Object call(String endpoint, String path, Object body, String store) {
        return exchange(endpoint, path, body, store).getMessage().getBody();
    }

    private Exchange exchange(String endpoint, String path, Object body, String store) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(Exchange.HTTP_PATH, path);
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        Exchange ex = template.request(endpoint, e -> {
            if (store != null) {
                e.setProperty(RetryCounter.STORE_PROPERTY, store);
            }
            e.getMessage().setHeaders(headers);
            e.getMessage().setBody(body);
        });
        if (ex.getException() != null) {
            throw failure(ex.getException(), path);
        }
        return ex;
    }

    private <T> T read(Object body, Class<T> type) {
        try {
            if (body instanceof InputStream in) {
                return JSON.readValue(in, type);
            }
            if (body instanceof byte[] b) {
                return JSON.readValue(b, type);
            }
            if (body instanceof String s) {
                return JSON.readValue(s, type);
            }
            return JSON.convertValue(template.getCamelContext().getTypeConverter().mandatoryConvertTo(String.class, body),
                    type);
        } catch (Exception e) {
            throw new ApiFailure(0, "bad-response", "the importer at " + baseUrl + " answered with something that is not"
                    + " the expected " + type.getSimpleName() + ": " + e.getMessage(), false);
        }
    }

    /** Turns what Camel reports into one line the operator can act on. */
    ApiFailure failure(Throwable t, String path) {
        Throwable c = t;
        while (c instanceof CamelExecutionException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof HttpOperationFailedException h) {
            int status = h.getStatusCode();
            String code = "http-" + status;
            String message = h.getStatusText();
            String body = h.getResponseBody();
            if (body != null && !body.isBlank()) {
                try {
                    JsonNode n = JSON.readTree(body);
                    if (n.hasNonNull("message")) {
                        message = n.get("message").asText();
                    }
                    if (n.hasNonNull("error")) {
                        code = n.get("error").asText();
                    }
                } catch (IOException e) {
                    message = body.length() > 200 ? body.substring(0, 200) + "..." : body;
                }
            }
            String hint = switch (status) {
                case 403 -> " (add this machine's address to e4a.adminrpc.importer.ip_white_lists on the importer)";
                case 401 -> " (set the importer's token: IMPORTER_TOKEN, token_file or token in IMPORTER_CONFIG)";
                default -> "";
            };
            return new ApiFailure(status, code, "the importer refused " + path + " with "
                    + status + ": " + message + hint, status >= 500);
        }
        Throwable root = c;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof SSLException)) {
            root = root.getCause();
        }
        if (root instanceof SSLPeerUnverifiedException || (root.getMessage() != null
                && root.getMessage().contains("doesn't match any of the subject alternative names"))) {
            return new ApiFailure(0, "tls-hostname", "TLS: the certificate of " + baseUrl + " is not valid for this host"
                    + " name (" + root.getMessage() + "); use the name the certificate was issued for", false);
        }
        if (root instanceof SSLHandshakeException || root instanceof SSLException) {
            String m = String.valueOf(root.getMessage());
            String what = m.contains("PKIX") || m.contains("certification path") || m.contains("unable to find valid")
                    ? "the server certificate of " + baseUrl + " is not trusted (set tls.ca_file or --ca-file to the CA"
                    + " that issued it)"
                    : "the TLS handshake with " + baseUrl + " failed: " + m;
            return new ApiFailure(0, "tls", "TLS: " + what, false);
        }
        if (root instanceof UnknownHostException) {
            return new ApiFailure(0, "unreachable", "the importer host in " + baseUrl + " is unknown: " + root.getMessage(),
                    true);
        }
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            return new ApiFailure(0, "unreachable", "the importer at " + baseUrl + " is unreachable: " + root.getMessage()
                    + " (is 'bin/importer serve' running, and the address and port right?)", true);
        }
        if (root instanceof SocketTimeoutException) {
            return new ApiFailure(0, "timeout", "the importer at " + baseUrl + " did not answer in time: "
                    + root.getMessage(), true);
        }
        if (root instanceof IOException) {
            return new ApiFailure(0, "network", "talking to the importer at " + baseUrl + " failed: " + root, true);
        }
        return new ApiFailure(0, "internal", "request " + path + " failed: " + root, false);
    }

    /** A request that failed for good (after any retries). */
    public static final class ApiFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;
        private final boolean transport;

        public ApiFailure(int status, String code, String message, boolean transport) {
            super(message);
            this.status = status;
            this.code = code;
            this.transport = transport;
        }

        /** HTTP status, or 0 when no answer came. */
        public int status() {
            return status;
        }

        /** The API's error code ({@code user-not-found}, {@code user-active}, ...) or ours. */
        public String code() {
            return code;
        }

        /** True for failures of the connection or the server (5xx) that retries did not cure. */
        public boolean transport() {
            return transport;
        }
    }
}
