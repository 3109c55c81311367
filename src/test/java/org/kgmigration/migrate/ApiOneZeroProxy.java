package org.kgmigration.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.kgmigration.api.ImportApi;
import org.kgmigration.importer.TestPki;
import org.kgmigration.importer.server.PemFiles;

/**
 * An HTTPS proxy on loopback in front of the real importer that presents it as an import API 1.0
 * server, as an importer of an earlier version is: its capabilities say {@code 1.0} and name neither
 * inline data nor the blob query, and {@code POST /blobs/missing} gets the 404 of a server that has
 * no such route. Every other request goes on to the importer unchanged (method, path, body, content
 * type, token) over a TLS connection of its own, and the answer comes back (status, body, content
 * type, blob size). Records the method and path of every request.
 */
final class ApiOneZeroProxy implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PASSED_ON = List.of("Content-Type", "Authorization");
    private final HttpsServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient client;
    private final String target;
    private final List<String> requests = new ArrayList<>();

    private ApiOneZeroProxy(ImporterFixture importer, TestPki pki) throws Exception {
        target = importer.url().replaceAll("/$", "");
        client = HttpClient.newBuilder().sslContext(pki.clientContext(false)).version(HttpClient.Version.HTTP_1_1).build();
        char[] pw = "proxy".toCharArray();
        KeyStore ks = PemFiles.keyStore(pki.serverCert, pki.serverKey, pw);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    static ApiOneZeroProxy start(ImporterFixture importer, TestPki pki) {
        try {
            return new ApiOneZeroProxy(importer, pki);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the API 1.0 proxy: " + e, e);
        }
    }

    /** https://127.0.0.1:PORT/ */
    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** "METHOD /path" of every request so far, in the order they arrived. */
    List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** How many requests so far had this method and a path starting with {@code pathPrefix}. */
    long count(String method, String pathPrefix) {
        return requests().stream().filter(r -> r.startsWith(method + " " + pathPrefix)).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            synchronized (requests) {
                requests.add(method + " " + path);
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            if (method.equals("POST") && path.equals(ImportApi.BLOB_QUERY_PATH)) {
                answer(ex, 404, "application/json", Map.of(),
                        "{\"status\":404,\"error\":\"not-found\",\"message\":\"no such resource\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String query = ex.getRequestURI().getRawQuery();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + path + (query == null ? "" : "?" + query)))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String h : PASSED_ON) {
                String v = ex.getRequestHeaders().getFirst(h);
                if (v != null) {
                    b.header(h, v);
                }
            }
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] out = r.body();
            if (method.equals("GET") && path.equals(ImportApi.BASE_PATH + "/capabilities") && r.statusCode() == 200) {
                ObjectNode caps = (ObjectNode) JSON.readTree(out);
                caps.put("apiVersion", "1.0");
                ObjectNode limits = (ObjectNode) caps.get("limits");
                limits.remove("maxInlineBlobBytes");
                limits.remove("maxBlobQuery");
                out = JSON.writeValueAsBytes(caps);
            }
            Map<String, String> extra = r.headers().firstValue(ImportApi.BLOB_SIZE_HEADER)
                    .map(v -> Map.of(ImportApi.BLOB_SIZE_HEADER, v)).orElse(Map.of());
            answer(ex, r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), extra,
                    method.equals("HEAD") ? null : out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void answer(HttpExchange ex, int status, String type, Map<String, String> headers, byte[] body)
            throws IOException {
        if (type != null) {
            ex.getResponseHeaders().set("Content-Type", type);
        }
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, body == null || body.length == 0 ? -1 : body.length);
        if (body != null && body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
