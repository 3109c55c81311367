import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Load generator for bench/importer.sh (not part of the build): sends N generated mails in batches,
 * with their attachment data, through the importer's HTTP API (docs/import-api.md) the way migrate
 * does (capabilities, user preflight, folders; per batch: attachment data up to the server's
 * maxInlineBlobBytes inline, one POST /blobs/missing for the rest and a PUT per missing blob, then
 * the messages; complete), checks every answer, and prints its figures as "key value" lines on
 * stdout. Against a 1.0 server (no maxInlineBlobBytes) it uploads every blob with HEAD + PUT.
 *
 * <pre>java -cp target/kg-migration.jar bench/ImportClient.java --url https://127.0.0.1:8443 --ca cert.pem
 *     --upn bench@example.org --messages 2000 [--batch 100] [--attachment-ratio 0.3]
 *     [--min-size 1024] [--max-size 65536] [--threads 1] [--seed 1] [--inline-max BYTES]</pre>
 *
 * {@code --inline-max} lowers the server's maxInlineBlobBytes ({@code 0}: upload every blob).
 */
public final class ImportClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final String STORE = "4B47424E4348000000000000000000AA";
    private static final String[] FOLDERS = {"inbox", "sent", "Archive", "Projects"};
    private static final String PSETID_COMMON = "{00062008-0000-0000-C000-000000000046}";
    private static final String PS_PUBLIC_STRINGS = "{00020329-0000-0000-C000-000000000046}";

    private final HttpClient http;
    private final String base;
    private final Map<String, String> opts;
    private final SplittableRandom rnd;
    private long blobBytes;
    private long uploadBytes;
    private long inlineBytes;
    private int inlineBlobs;
    private int uploads;
    private long blobNanos;
    private long batchNanos;
    private long requestBytes;
    private int blobs;

    private ImportClient(Map<String, String> opts, SSLContext ssl) {
        this.opts = opts;
        this.base = opts.get("url");
        this.rnd = new SplittableRandom(Long.parseLong(opts.getOrDefault("seed", "1")));
        this.http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                fail("unexpected argument " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        for (String k : List.of("url", "ca", "upn", "messages")) {
            if (!o.containsKey(k)) {
                fail("--" + k + " is required");
            }
        }
        try {
            new ImportClient(o, trusting(Path.of(o.get("ca")))).run();
        } catch (IllegalStateException e) {
            fail(e.getMessage());
        }
    }

    private static void fail(String message) {
        System.err.println("ImportClient: " + message);
        System.exit(1);
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            ks.setCertificateEntry("bench", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private int intOpt(String k, int dflt) {
        return Integer.parseInt(opts.getOrDefault(k, String.valueOf(dflt)));
    }

    private void run() throws Exception {
        int messages = intOpt("messages", 0);
        int batchSize = intOpt("batch", 100);
        int threads = intOpt("threads", 1);
        double ratio = Double.parseDouble(opts.getOrDefault("attachment-ratio", "0.3"));
        long minSize = Long.parseLong(opts.getOrDefault("min-size", "1024"));
        long maxSize = Long.parseLong(opts.getOrDefault("max-size", "65536"));
        String upn = opts.get("upn");
        JsonNode caps = awaitServer();
        JsonNode inlineLimit = caps.path("limits").get("maxInlineBlobBytes");
        boolean api11 = inlineLimit != null && inlineLimit.isNumber();
        long inlineMax = api11 ? inlineLimit.asLong() : 0;
        if (opts.containsKey("inline-max")) {
            inlineMax = Math.min(inlineMax, Long.parseLong(opts.get("inline-max")));
        }
        JsonNode user = expect(send(req(userPath(upn)).GET()), 200, "user preflight");
        if (user.get("active").asBoolean()) {
            throw new IllegalStateException(upn + " is active; the benchmark needs an inactive user");
        }
        expect(send(json(storePath(upn) + "/folders", folders())), 200, "folders");

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        long tHalf = 0;
        int halfMessages = 0;
        int imported = 0;
        int batches = 0;
        try {
            for (int first = 0; first < messages; first += batchSize) {
                int n = Math.min(batchSize, messages - first);
                List<Blob> need = new ArrayList<>();
                List<byte[]> items = new ArrayList<>();
                for (int i = first; i < first + n; i++) {
                    Blob b = null;
                    boolean inline = false;
                    if (rnd.nextDouble() < ratio) {
                        b = new Blob(rnd.nextLong(), minSize + (maxSize > minSize ? rnd.nextLong(maxSize - minSize + 1) : 0));
                        blobs++;
                        blobBytes += b.size();
                        inline = b.size() <= inlineMax;
                        if (inline) {
                            inlineBlobs++;
                            inlineBytes += b.size();
                        } else {
                            need.add(b);
                        }
                    }
                    items.add(message(i, b, inline));
                }
                List<Blob> missing = api11 ? missing(need) : need;
                List<Future<?>> puts = new ArrayList<>();
                for (Blob b : missing) {
                    puts.add(pool.submit(() -> upload(b, !api11)));
                }
                for (Future<?> f : puts) {
                    f.get();
                }
                byte[] body = batch(items);
                long b0 = System.nanoTime();
                JsonNode r = expect(send(req(storePath(upn) + "/messages").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))), 200, "message batch");
                batchNanos += System.nanoTime() - b0;
                requestBytes += body.length;
                if (r.get("imported").asInt() != n) {
                    throw new IllegalStateException("batch " + batches + ": " + r.get("imported").asInt() + " of " + n
                            + " imported: " + r);
                }
                imported += n;
                batches++;
                if (tHalf == 0 && imported >= messages / 2) {
                    tHalf = System.nanoTime();
                    halfMessages = imported;
                }
                shas.clear();
            }
        } finally {
            pool.shutdownNow();
        }
        long t1 = System.nanoTime();
        JsonNode done = expect(send(json(storePath(upn) + "/complete", "{}")), 200, "complete");
        if (done.get("messages").asLong() != messages) {
            throw new IllegalStateException("the server counts " + done.get("messages").asLong() + " messages, sent "
                    + messages);
        }
        double s = (t1 - t0) / 1e9;
        out("messages", messages);
        out("imported", imported);
        out("batches", batches);
        out("blobs", blobs);
        out("blob_bytes", blobBytes);
        out("inline_blobs", inlineBlobs);
        out("inline_bytes", inlineBytes);
        out("uploaded_blobs", uploads);
        out("uploaded_bytes", uploadBytes);
        out("batch_bytes", requestBytes);
        out("seconds", String.format(Locale.ROOT, "%.3f", s));
        out("first_half_messages", halfMessages);
        out("first_half_seconds", String.format(Locale.ROOT, "%.3f", (tHalf - t0) / 1e9));
        out("blob_seconds", String.format(Locale.ROOT, "%.3f", blobNanos / 1e9));
        out("batch_seconds", String.format(Locale.ROOT, "%.3f", batchNanos / 1e9));
        out("server_messages", done.get("messages").asLong());
        out("server_attachments", done.get("attachments").asLong());
        out("server_bytes", done.get("bytes").asLong());
    }

    private static void out(String k, Object v) {
        System.out.println(k + " " + v);
    }

    /** The server's capabilities, once it answers. */
    private JsonNode awaitServer() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try {
                return expect(send(req("/api/v1/capabilities").GET()), 200, "capabilities");
            } catch (UncheckedIOException e) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("the importer does not answer at " + base + ": " + e.getCause());
                }
                Thread.sleep(250);
            }
        }
    }

    /** Attachment data: size pseudo-random bytes from a seed, produced twice (hash, then upload). */
    private record Blob(long seed, long size) {
        InputStream open() {
            return new InputStream() {
                private final SplittableRandom r = new SplittableRandom(seed);
                private final byte[] buf = new byte[8192];
                private int pos = buf.length;
                private long left = size;

                @Override
                public int read() {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (left == 0) {
                        return -1;
                    }
                    int n = 0;
                    while (n < len && left > 0) {
                        if (pos == buf.length) {
                            r.nextBytes(buf);
                            pos = 0;
                        }
                        int k = (int) Math.min(Math.min(len - n, buf.length - pos), left);
                        System.arraycopy(buf, pos, b, off + n, k);
                        pos += k;
                        n += k;
                        left -= k;
                    }
                    return n;
                }
            };
        }

        String sha256() {
            try (InputStream in = open()) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[1 << 16];
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                    md.update(buf, 0, n);
                }
                return HexFormat.of().formatHex(md.digest());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final Map<Blob, String> shas = new java.util.concurrent.ConcurrentHashMap<>();

    private String sha(Blob b) {
        return shas.computeIfAbsent(b, Blob::sha256);
    }

    /** API 1.1: which of the batch's blobs the server lacks, in one request. */
    private List<Blob> missing(List<Blob> need) throws IOException {
        if (need.isEmpty()) {
            return need;
        }
        long t = System.nanoTime();
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(bo)) {
            g.writeStartObject();
            g.writeArrayFieldStart("blobs");
            for (Blob b : need) {
                g.writeStartObject();
                g.writeStringField("sha256", sha(b));
                g.writeNumberField("size", b.size());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        JsonNode r = expect(send(json("/api/v1/blobs/missing", bo.toString(StandardCharsets.UTF_8))), 200,
                "blob query");
        java.util.Set<String> lacking = new java.util.HashSet<>();
        for (JsonNode m : r.get("missing")) {
            lacking.add(m.get("sha256").asText());
        }
        synchronized (this) {
            blobNanos += System.nanoTime() - t;
        }
        return need.stream().filter(b -> lacking.contains(sha(b))).toList();
    }

    /** PUTs a blob; with {@code head} (a 1.0 server) only when HEAD says the server lacks it. */
    private void upload(Blob b, boolean head) {
        String sha = sha(b);
        long t = System.nanoTime();
        int status = 404;
        if (head) {
            HttpResponse<String> h = send(req("/api/v1/blobs/" + sha).method("HEAD", HttpRequest.BodyPublishers.noBody()));
            status = h.statusCode();
            if (status != 404 && status != 200) {
                throw new IllegalStateException("HEAD blob: HTTP " + status + " " + h.body());
            }
        }
        if (status == 404) {
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(b::open), b.size());
            expect(send(req("/api/v1/blobs/" + sha).header("Content-Type", "application/octet-stream").PUT(body)), 201,
                    "blob upload");
        }
        synchronized (this) {
            blobNanos += System.nanoTime() - t;
            if (status == 404) {
                uploadBytes += b.size();
                uploads++;
            }
        }
    }

    // ---- payloads ------------------------------------------------------------------------------

    private static String key(int kind, long n) {
        return String.format("4B47424E43480000%02X%034X", kind, n);
    }

    private static String folders() throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(bo)) {
            g.writeStartObject();
            g.writeArrayFieldStart("folders");
            for (int i = 0; i < FOLDERS.length; i++) {
                boolean role = Character.isLowerCase(FOLDERS[i].charAt(0));
                g.writeStartObject();
                g.writeStringField("sourceKey", key(1, i));
                g.writeNullField("parent");
                if (role) {
                    g.writeStringField("role", FOLDERS[i]);
                }
                g.writeStringField("displayName", FOLDERS[i]);
                g.writeStringField("containerClass", "IPF.Note");
                g.writeArrayFieldStart("properties");
                str(g, "0x3001001F", FOLDERS[i]);
                str(g, "0x3613001F", "IPF.Note");
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bo.toString(StandardCharsets.UTF_8);
    }

    private static byte[] batch(List<byte[]> items) {
        int size = 12;
        for (byte[] i : items) {
            size += i.length + 1;
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream(size);
        bo.writeBytes("{\"items\":[".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                bo.write(',');
            }
            bo.writeBytes(items.get(i));
        }
        bo.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
        return bo.toByteArray();
    }

    private static final String[] WORDS = {"Angebot", "Rechnung", "Termin", "Bericht", "Projekt", "update", "Meeting",
        "Lieferung", "Frage", "status", "Quartal", "review", "Plan", "Vertrag", "Notiz"};

    /** One mail with the properties a Kopano mail typically has (about 30, 1-2 recipients). */
    private byte[] message(int i, Blob blob, boolean inline) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream(4096);
        long filetime = 133_500_000_000_000_000L + rnd.nextLong(10_000_000_000_000L);
        String subject = WORDS[rnd.nextInt(WORDS.length)] + " " + WORDS[rnd.nextInt(WORDS.length)] + " #" + i;
        String body = ("Message " + i + ".\nLorem ipsum dolor sit amet, Grüße und 谢谢.\n").repeat(1 + rnd.nextInt(40));
        int pick = rnd.nextInt(100);
        String folder = key(1, pick < 60 ? 0 : pick < 75 ? 1 : pick < 90 ? 2 : 3);
        try (JsonGenerator g = FACTORY.createGenerator(bo)) {
            g.writeStartObject();
            g.writeStringField("sourceKey", key(2, i));
            g.writeStringField("folder", folder);
            g.writeStringField("messageClass", "IPM.Note");
            g.writeBooleanField("associated", false);
            g.writeArrayFieldStart("properties");
            str(g, "0x001A001F", "IPM.Note");
            str(g, "0x0037001F", subject);
            str(g, "0x0E1D001F", subject);
            str(g, "0x1000001F", body);
            if (i % 2 == 1) {
                bin(g, "0x10130102", ("<html><body><p>" + body.replace("\n", "<br>") + "</p></body></html>")
                        .getBytes(StandardCharsets.UTF_8));
            }
            time(g, "0x0E060040", filetime);
            time(g, "0x00390040", filetime - 20_000_000L);
            time(g, "0x30070040", filetime);
            time(g, "0x30080040", filetime);
            lng(g, "0x0E070003", 1);
            lng(g, "0x0E080003", body.length() * 2 + (blob == null ? 0 : (int) Math.min(blob.size(), 1 << 30)));
            lng(g, "0x00170003", 1);
            lng(g, "0x00360003", 0);
            lng(g, "0x3FDE0003", 65001);
            str(g, "0x0C1A001F", "Partner Service");
            str(g, "0x0C1F001F", "service@partner.example");
            str(g, "0x0C1E001F", "SMTP");
            str(g, "0x0042001F", "Partner Service");
            str(g, "0x0065001F", "service@partner.example");
            str(g, "0x0E04001F", "Bench User");
            str(g, "0x0E03001F", "");
            str(g, "0x1035001F", "<" + i + "." + rnd.nextLong(Long.MAX_VALUE) + "@partner.example>");
            str(g, "0x007D001F", "Received: from mx.partner.example (mx.partner.example [192.0.2.7])\r\n"
                    + "\tby mail.example.org with ESMTPS id " + Long.toHexString(rnd.nextLong()) + "\r\n"
                    + "Message-ID: <" + i + "@partner.example>\r\nSubject: " + subject + "\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n");
            bin(g, "0x65E00102", HexFormat.of().parseHex(key(2, i)));
            bin(g, "0x65E20102", random(22));
            bin(g, "0x65E30102", random(23));
            bin(g, "0x0FFF0102", random(70));
            bin(g, "0x30130102", random(22));
            bin(g, "0x300B0102", random(16));
            named(g, "0x85010003", "PT_LONG", JSON.getNodeFactory().numberNode(15), PSETID_COMMON, 0x8501, null);
            named(g, "0x8503000B", "PT_BOOLEAN", JSON.getNodeFactory().booleanNode(false), PSETID_COMMON, 0x8503, null);
            named(g, "0x8510101F", "PT_MV_UNICODE", JSON.getNodeFactory().arrayNode().add("Bench").add("Kopano"),
                    PS_PUBLIC_STRINGS, 0, "Keywords");
            g.writeEndArray();
            g.writeArrayFieldStart("recipients");
            int recips = 1 + rnd.nextInt(2);
            for (int r = 0; r < recips; r++) {
                g.writeStartArray();
                str(g, "0x3001001F", r == 0 ? "Bench User" : "Colleague " + r);
                str(g, "0x3003001F", r == 0 ? "bench@example.org" : "colleague" + r + "@example.org");
                str(g, "0x3002001F", "SMTP");
                str(g, "0x39FE001F", r == 0 ? "bench@example.org" : "colleague" + r + "@example.org");
                lng(g, "0x0C150003", r == 0 ? 1 : 2);
                lng(g, "0x0FFE0003", 6);
                lng(g, "0x39000003", 0);
                lng(g, "0x30000003", r);
                bin(g, "0x0FFF0102", random(60));
                bin(g, "0x300B0102", random(30));
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("attachments");
            if (blob != null) {
                g.writeStartObject();
                g.writeArrayFieldStart("properties");
                String name = "file-" + i + ".pdf";
                str(g, "0x3707001F", name);
                str(g, "0x3704001F", name);
                str(g, "0x3001001F", name);
                str(g, "0x370E001F", "application/pdf");
                lng(g, "0x37050003", 1);
                lng(g, "0x0E200003", (int) Math.min(blob.size(), Integer.MAX_VALUE));
                lng(g, "0x0E210003", 0);
                lng(g, "0x37140003", 0);
                time(g, "0x30070040", filetime);
                g.writeEndArray();
                g.writeObjectFieldStart("blob");
                g.writeStringField("sha256", sha(blob));
                g.writeNumberField("size", blob.size());
                if (inline) {
                    try (InputStream in = blob.open()) {
                        g.writeBinaryField("data", in.readAllBytes());
                    }
                }
                g.writeEndObject();
                g.writeBooleanField("missing", false);
                g.writeNullField("embedded");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bo.toByteArray();
    }

    private byte[] random(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static void prop(JsonGenerator g, String tag, String type) throws IOException {
        g.writeStartObject();
        g.writeStringField("tag", tag);
        g.writeStringField("type", type);
        g.writeFieldName("value");
    }

    private static void str(JsonGenerator g, String tag, String v) throws IOException {
        prop(g, tag, "PT_UNICODE");
        g.writeString(v);
        g.writeEndObject();
    }

    private static void lng(JsonGenerator g, String tag, int v) throws IOException {
        prop(g, tag, "PT_LONG");
        g.writeNumber(v);
        g.writeEndObject();
    }

    private static void time(JsonGenerator g, String tag, long v) throws IOException {
        prop(g, tag, "PT_SYSTIME");
        g.writeString(Long.toString(v));
        g.writeEndObject();
    }

    private static void bin(JsonGenerator g, String tag, byte[] v) throws IOException {
        prop(g, tag, "PT_BINARY");
        g.writeString(Base64.getEncoder().encodeToString(v));
        g.writeEndObject();
    }

    private static void named(JsonGenerator g, String tag, String type, JsonNode v, String guid, int lid, String name)
            throws IOException {
        prop(g, tag, type);
        JSON.writeTree(g, v);
        g.writeObjectFieldStart("name");
        g.writeStringField("guid", guid);
        if (name == null) {
            g.writeNumberField("lid", lid);
        } else {
            g.writeStringField("name", name);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    // ---- HTTP ----------------------------------------------------------------------------------

    private static String userPath(String upn) {
        return "/api/v1/users/" + java.net.URLEncoder.encode(upn, StandardCharsets.UTF_8);
    }

    private static String storePath(String upn) {
        return userPath(upn) + "/stores/" + STORE;
    }

    private HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(10));
    }

    private HttpRequest.Builder json(String path, String body) {
        return req(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private static JsonNode expect(HttpResponse<String> r, int status, String what) {
        if (r.statusCode() != status) {
            String body = r.body() == null ? "" : r.body();
            throw new IllegalStateException(what + ": HTTP " + r.statusCode() + " (expected " + status + ") "
                    + body.substring(0, Math.min(body.length(), 300)));
        }
        try {
            return r.body() == null || r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(what + ": not JSON: " + r.body());
        }
    }
}
