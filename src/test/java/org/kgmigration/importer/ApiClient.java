package org.kgmigration.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** A real HTTPS client (java.net.http) for the import API in tests. */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final String base;
    private String token;

    public ApiClient(String base, SSLContext ssl) {
        this.base = base;
        this.http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public ApiClient token(String t) {
        this.token = t;
        return this;
    }

    /** A response: status, parsed JSON body (or null) and headers. */
    public record Response(int status, JsonNode json, String body, java.net.http.HttpHeaders headers) {
        public String message() {
            return json == null || json.get("message") == null ? body : json.get("message").asText();
        }
    }

    public Response get(String path) {
        return send(builder(path).GET());
    }

    public Response head(String path) {
        return send(builder(path).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    public Response post(String path, String json) {
        return send(builder(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response put(String path, byte[] data) {
        return send(builder(path).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data)));
    }

    public Response put(String path, HttpRequest.BodyPublisher body) {
        return send(builder(path).header("Content-Type", "application/octet-stream").PUT(body));
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode n = null;
            if (r.body() != null && !r.body().isEmpty()) {
                try {
                    n = JSON.readTree(r.body());
                } catch (IOException e) {
                    n = null;
                }
            }
            return new Response(r.statusCode(), n, r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
