package dev.genloom.zoo.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the hub on 127.0.0.1: {@code /{repo}/resolve/{rev}/{path}} answers small
 * files itself (ETag: a 40-hex git id) and redirects big ones to {@code /cdn/{sha256}} with the
 * LFS checksum in {@code X-Linked-ETag}; the CDN honours {@code Range} with 206 and
 * {@code Content-Range}; {@code /api/models/{repo}/tree/{rev}} lists the files.
 */
final class FakeHub implements AutoCloseable {
    static final int BIG = 4096;

    final Map<String, Map<String, byte[]>> repos = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> resolveHits = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> cdnHits = new ConcurrentHashMap<>();
    final Map<String, String> rangesAsked = new ConcurrentHashMap<>();
    /** sha256 of bodies whose first transfer is cut off half-way. */
    final Set<String> breakOnce = ConcurrentHashMap.newKeySet();
    /** "repo/path" whose etag lies (the sha256 of other bytes). */
    final Set<String> lyingEtag = ConcurrentHashMap.newKeySet();
    /** Repositories that need "Authorization: Bearer secret". */
    final Set<String> gated = ConcurrentHashMap.newKeySet();
    volatile boolean hang;
    volatile long delayMillis;
    /** GET requests per raw request path (resolve, CDN and listing paths alike). */
    final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
    /** Bodies written to the end from byte 0 (a 200 sent in full), per raw request path. */
    final Map<String, AtomicInteger> fullBodies = new ConcurrentHashMap<>();
    /** Epoch millis at which each full body finished being written, per raw request path. */
    final Map<String, Long> fullBodyDoneAt = new ConcurrentHashMap<>();
    /**
     * The sha256 of a body that is held half-way: its first half is written and flushed, then the
     * transfer waits (bounded) for {@link #releaseHeld()}; {@link #held} counts down when it does.
     */
    volatile String holdSha;
    final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch heldRelease = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-hub");
        t.setDaemon(true);
        return t;
    });

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeHub put(String repo, String path, byte[] bytes) {
        repos.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(path, bytes);
        return this;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        java.util.Random r = new java.util.Random(seed);
        r.nextBytes(b);
        return b;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (hang) {
                release.await(30, TimeUnit.SECONDS);
                return;
            }
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            String path = ex.getRequestURI().getRawPath();
            if ("GET".equals(ex.getRequestMethod())) {
                gets.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            }
            if (path.startsWith("/cdn/")) {
                cdn(ex, path.substring(5));
            } else if (path.startsWith("/api/models/")) {
                tree(ex, path.substring("/api/models/".length()));
            } else {
                resolve(ex, path.substring(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void resolve(HttpExchange ex, String rest) throws IOException {
        int r = rest.indexOf("/resolve/");
        if (r < 0) {
            error(ex, 404, "RepoNotFound");
            return;
        }
        String repo = rest.substring(0, r);
        String after = rest.substring(r + "/resolve/".length());
        String rev = after.substring(0, after.indexOf('/'));
        String file = java.net.URLDecoder.decode(after.substring(after.indexOf('/') + 1), StandardCharsets.UTF_8);
        Map<String, byte[]> files = repos.get(repo);
        if (files == null) {
            error(ex, 404, "RepoNotFound");
            return;
        }
        if (gated.contains(repo) && !"Bearer secret".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            error(ex, 401, "GatedRepo");
            return;
        }
        if (!rev.equals("main")) {
            error(ex, 404, "RevisionNotFound");
            return;
        }
        byte[] b = files.get(file);
        if (b == null) {
            error(ex, 404, "EntryNotFound");
            return;
        }
        resolveHits.computeIfAbsent(repo + "/" + file, k -> new AtomicInteger()).incrementAndGet();
        String sha = lyingEtag.contains(repo + "/" + file) ? sha256(new byte[] {1, 2, 3}) : sha256(b);
        if (b.length >= BIG) {
            cdnBodies.put(sha256(b), b);
            ex.getResponseHeaders().add("Location", "/cdn/" + sha256(b));
            ex.getResponseHeaders().add("X-Linked-ETag", "\"" + sha + "\"");
            ex.getResponseHeaders().add("X-Linked-Size", Long.toString(b.length));
            ex.getResponseHeaders().add("ETag", "\"" + sha + "\"");
            ex.sendResponseHeaders(302, -1);
            return;
        }
        ex.getResponseHeaders().add("ETag", "\"" + sha.substring(0, 40) + "\""); // a git blob id, not a sha256
        body(ex, b, sha);
    }

    private final Map<String, byte[]> cdnBodies = new ConcurrentHashMap<>();

    private void cdn(HttpExchange ex, String sha) throws IOException {
        byte[] b = cdnBodies.get(sha);
        if (b == null) {
            error(ex, 404, null);
            return;
        }
        cdnHits.computeIfAbsent(sha, k -> new AtomicInteger()).incrementAndGet();
        ex.getResponseHeaders().add("ETag", "\"" + sha + "\"");
        body(ex, b, sha);
    }

    private void body(HttpExchange ex, byte[] b, String sha) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        int status = 200;
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            rangesAsked.put(sha, range);
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            if (from >= b.length) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + b.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            status = 206;
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (b.length - 1) + "/" + b.length);
        }
        ex.getResponseHeaders().add("Accept-Ranges", "bytes");
        int length = b.length - from;
        ex.sendResponseHeaders(status, length);
        OutputStream out = ex.getResponseBody();
        if (breakOnce.remove(sha)) {
            out.write(b, from, length / 2);
            out.flush();
            // fewer bytes than announced, then the server drops the connection (an exception
            // escaping the handler makes HttpServer close it)
            throw new CutOff();
        }
        if (sha.equals(holdSha)) {
            out.write(b, from, length / 2);
            out.flush();
            held.countDown();
            try {
                if (!heldRelease.await(30, TimeUnit.SECONDS)) {
                    throw new CutOff();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CutOff();
            }
            out.write(b, from + length / 2, length - length / 2);
        } else {
            out.write(b, from, length);
        }
        out.flush();
        if (from == 0) {
            String path = ex.getRequestURI().getRawPath();
            fullBodies.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            fullBodyDoneAt.put(path, System.currentTimeMillis());
        }
    }

    /** Lets the held body (see {@link #holdSha}) go on. */
    void releaseHeld() {
        heldRelease.countDown();
    }

    /** Thrown to make the server drop a connection mid-body. */
    static final class CutOff extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CutOff() {
            super("connection cut off on purpose", null, false, false);
        }
    }

    private void tree(HttpExchange ex, String rest) throws IOException {
        int t = rest.indexOf("/tree/");
        String repo = rest.substring(0, t);
        Map<String, byte[]> files = repos.get(repo);
        if (files == null) {
            error(ex, 404, "RepoNotFound");
            return;
        }
        StringBuilder sb = new StringBuilder("[");
        for (Map.Entry<String, byte[]> f : new java.util.TreeMap<>(files).entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"type\":\"file\",\"path\":\"").append(f.getKey()).append("\",\"size\":")
                    .append(f.getValue().length);
            if (f.getValue().length >= BIG) {
                sb.append(",\"lfs\":{\"oid\":\"").append(sha256(f.getValue())).append("\",\"size\":")
                        .append(f.getValue().length).append('}');
            }
            sb.append('}');
        }
        byte[] json = sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, json.length);
        ex.getResponseBody().write(json);
    }

    private static void error(HttpExchange ex, int status, String code) throws IOException {
        if (code != null) {
            ex.getResponseHeaders().add("X-Error-Code", code);
        }
        ex.sendResponseHeaders(status, -1);
    }

    @Override
    public void close() {
        release.countDown();
        heldRelease.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
