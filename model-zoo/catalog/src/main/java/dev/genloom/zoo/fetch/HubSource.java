package dev.genloom.zoo.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub, or an HTTP mirror of it: files at {@code {base}/{repo}/resolve/{revision}/{path}},
 * listings at {@code {base}/api/models/{repo}/tree/{revision}?recursive=true}.
 *
 * <p>Redirects are followed here rather than by the client, so that the access token goes to the
 * hub's own host only, never to the CDN it redirects large files to. A read timeout bounds the
 * silence of a connection at any point: before the headers and between two pieces of the body.
 */
final class HubSource implements FileSource {
    private static final int MAX_REDIRECTS = 10;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final Duration readTimeout;
    private final int attempts;
    private final HttpClient client;

    HubSource(String base, String token, Duration connectTimeout, Duration readTimeout, int attempts) {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.base = URI.create(b);
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.readTimeout = readTimeout;
        this.attempts = Math.max(1, attempts);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String describe() {
        return base.toString();
    }

    // ---- listing --------------------------------------------------------------------------------

    @Override
    public List<RemoteFile> list(String repository, String revision) {
        List<RemoteFile> out = new ArrayList<>();
        URI uri = URI.create(base + "/api/models/" + repository + "/tree/" + encodeSegment(revision)
                + "?recursive=true");
        for (int page = 0; uri != null && page < 1000; page++) {
            Exchange ex = exchange(uri, new StringSink(), repository, revision, "(file listing)");
            if (ex.status != 200) {
                throw httpError(ex, repository, revision, null);
            }
            try {
                JsonNode arr = JSON.readTree(((StringSink) ex.sink).text());
                for (JsonNode n : arr) {
                    if (!"file".equals(n.path("type").asText())) {
                        continue;
                    }
                    JsonNode lfs = n.path("lfs");
                    String sha = lfs.path("oid").asText(lfs.path("sha256").asText(null));
                    long size = lfs.has("size") ? lfs.path("size").asLong() : n.path("size").asLong(-1);
                    out.add(new RemoteFile(n.path("path").asText(), size,
                            sha != null && SHA256.matcher(sha).matches() ? sha : null));
                }
            } catch (IOException | RuntimeException e) {
                throw new GenloomException(ErrorKind.DOWNLOAD_FAILED, "the file listing of " + repository
                        + " (revision " + revision + ") from " + base + " is not the hub's JSON: " + e.getMessage(),
                        "is " + base + " a Hugging Face hub or mirror?", e);
            }
            uri = nextPage(ex.headers, uri);
        }
        return out;
    }

    private static URI nextPage(HttpHeaders headers, URI current) {
        for (String link : headers.allValues("link")) {
            for (String part : link.split(",")) {
                if (part.contains("rel=\"next\"")) {
                    int a = part.indexOf('<');
                    int b = part.indexOf('>');
                    if (a >= 0 && b > a) {
                        return current.resolve(part.substring(a + 1, b));
                    }
                }
            }
        }
        return null;
    }

    // ---- downloading ----------------------------------------------------------------------------

    @Override
    public String download(String repository, String revision, RemoteFile file, Path part, FetchListener listener) {
        URI uri = URI.create(base + "/" + repository + "/resolve/" + encodeSegment(revision) + "/"
                + encodePath(file.path()));
        String serverSha = null;
        boolean announced = false;
        for (int attempt = 1; ; attempt++) {
            long have = size(part);
            if (file.size() >= 0 && have > file.size()) {
                delete(part);
                have = 0;
            }
            if (!announced) {
                listener.fileStarted(file.path(), file.size(), have);
                announced = true;
            }
            if (file.size() >= 0 && have == file.size() && have > 0) {
                return serverSha; // complete from an earlier attempt; the checksum decides
            }
            FileSink sink = new FileSink(part, file, listener);
            Exchange ex;
            try {
                ex = exchangeOrTransient(uri, have, sink, repository, revision, file.path());
            } catch (Transient t) {
                boolean progressed = sink.written > 0;
                if (attempt < attempts && (progressed || t.retryWithoutProgress)) {
                    listener.retrying(file.path(), t.getMessage());
                    pause(attempt);
                    continue;
                }
                throw t.error;
            }
            if (ex.sha256 != null) {
                serverSha = ex.sha256;
            }
            if (ex.status == 200 || (ex.status == 206 && sink.accepted)) {
                return serverSha;
            }
            if (ex.status == 206 || ex.status == 416) {
                // A range we did not ask for, or one past the end: start this file again.
                delete(part);
                if (attempt < attempts) {
                    listener.retrying(file.path(), "the server did not resume at byte " + have + "; restarting");
                    continue;
                }
            }
            if (isTransientStatus(ex.status) && attempt < attempts) {
                listener.retrying(file.path(), "HTTP " + ex.status);
                pause(attempt);
                continue;
            }
            throw httpError(ex, repository, revision, file.path());
        }
    }

    private static boolean isTransientStatus(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(2000, 100L * attempt * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenloomException(ErrorKind.DOWNLOAD_FAILED, "the download was interrupted");
        }
    }

    // ---- one request, redirects followed --------------------------------------------------------

    /** The answer to one request, after redirects. */
    private static final class Exchange {
        int status;
        HttpHeaders headers;
        URI uri;
        String sha256;
        Sink sink;
    }

    /** A failure worth another attempt (network, timeout): carries the error to give otherwise. */
    private static final class Transient extends Exception {
        private static final long serialVersionUID = 1L;
        final transient GenloomException error;
        final boolean retryWithoutProgress;

        Transient(GenloomException error, boolean retryWithoutProgress) {
            super(error.getMessage(), null, false, false);
            this.error = error;
            this.retryWithoutProgress = retryWithoutProgress;
        }
    }

    /** One request of a listing: a failure is final. */
    private Exchange exchange(URI start, Sink sink, String repository, String revision, String what) {
        try {
            return exchangeOrTransient(start, -1, sink, repository, revision, what);
        } catch (Transient t) {
            throw t.error;
        }
    }

    private Exchange exchangeOrTransient(URI start, long from, Sink sink, String repository, String revision,
                                         String what) throws Transient {
        Exchange ex = new Exchange();
        ex.sink = sink;
        URI uri = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).GET().timeout(readTimeout)
                    .header("User-Agent", "genloom-fetch/1");
            if (token != null && sameOrigin(uri, base)) {
                rb.header("Authorization", "Bearer " + token);
            }
            if (from > 0) {
                rb.header("Range", "bytes=" + from + "-");
            }
            Activity activity = new Activity();
            final long offset = from;
            CompletableFuture<HttpResponse<Void>> future = client.sendAsync(rb.build(), info -> {
                activity.touch();
                int s = info.statusCode();
                if (s == 200 || s == 206) {
                    return sink.open(info, offset, activity);
                }
                return HttpResponse.BodySubscribers.replacing(null);
            });
            HttpResponse<Void> response = await(future, activity, sink, uri, repository, revision, what);
            ex.status = response.statusCode();
            ex.headers = response.headers();
            ex.uri = uri;
            String sha = sha256Of(response.headers());
            if (sha != null && ex.sha256 == null) {
                ex.sha256 = sha;
            }
            if (ex.status >= 300 && ex.status < 400 && ex.status != 304) {
                Optional<String> location = response.headers().firstValue("location");
                if (location.isEmpty()) {
                    return ex;
                }
                uri = uri.resolve(location.get());
                continue;
            }
            return ex;
        }
        throw new Transient(new GenloomException(ErrorKind.DOWNLOAD_FAILED, "too many redirects fetching "
                + repository + "/" + what + " from " + base, null), false);
    }

    /** Waits for a response, failing when nothing arrives for longer than the read timeout. */
    private HttpResponse<Void> await(CompletableFuture<HttpResponse<Void>> future, Activity activity, Sink sink,
                                     URI uri, String repository, String revision, String what) throws Transient {
        long poll = Math.max(10, Math.min(250, readTimeout.toMillis() / 4));
        long limit = readTimeout.toNanos();
        while (true) {
            try {
                return future.get(poll, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (System.nanoTime() - activity.last > limit) {
                    sink.abort();
                    future.cancel(true);
                    throw new Transient(new GenloomException(ErrorKind.DOWNLOAD_FAILED, "no data from "
                            + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + " for "
                            + seconds(readTimeout) + " while fetching " + repository + "/" + what + " (revision "
                            + revision + "): read timed out",
                            "the server may be hung or the network down; try again (the download resumes), "
                                    + "raise --read-timeout, or set GENLOOM_HUB to a mirror", null), false);
                }
            } catch (InterruptedException e) {
                sink.abort();
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new Transient(new GenloomException(ErrorKind.DOWNLOAD_FAILED, "the download of " + repository
                        + "/" + what + " was interrupted"), false);
            } catch (ExecutionException e) {
                sink.abort();
                throw networkFailure(e.getCause() == null ? e : e.getCause(), uri, repository, revision, what);
            }
        }
    }

    private Transient networkFailure(Throwable cause, URI uri, String repository, String revision, String what) {
        String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        String where = repository + "/" + what + " (revision " + revision + ")";
        String hint = "check the network connection, or set GENLOOM_HUB (hub: in genloom.yaml) to a reachable "
                + "mirror URL or folder";
        if (cause instanceof HttpConnectTimeoutException) {
            return new Transient(new GenloomException(ErrorKind.DOWNLOAD_FAILED, "cannot connect to " + host
                    + " within the connect timeout while fetching " + where, hint, cause), false);
        }
        if (cause instanceof HttpTimeoutException) {
            return new Transient(new GenloomException(ErrorKind.DOWNLOAD_FAILED, "no answer from " + host + " within "
                    + seconds(readTimeout) + " while fetching " + where + ": read timed out", hint, cause), false);
        }
        if (cause instanceof ConnectException) {
            return new Transient(new GenloomException(ErrorKind.DOWNLOAD_FAILED, "cannot connect to " + host
                    + " while fetching " + where + ": " + messageOf(cause), hint, cause), false);
        }
        return new Transient(new GenloomException(ErrorKind.DOWNLOAD_FAILED, "network failure while fetching " + where
                + " from " + host + ": " + messageOf(cause), hint, cause), true);
    }

    private static String messageOf(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private GenloomException httpError(Exchange ex, String repository, String revision, String path) {
        String what = path == null ? "the file listing of " + repository : repository + "/" + path;
        String code = ex.headers == null ? null : ex.headers.firstValue("x-error-code").orElse(null);
        String serverMessage = ex.headers == null ? null : ex.headers.firstValue("x-error-message").orElse(null);
        String detail = (code != null ? ", " + code : "") + (serverMessage != null ? ": " + serverMessage : "");
        int s = ex.status;
        if (s == 401 || s == 403) {
            String hint = token == null
                    ? "the repository may be gated or private: accept its terms on the hub, then set HF_TOKEN to an "
                    + "access token (it is sent as a Bearer token to " + base.getHost() + " only)"
                    : "the token in HF_TOKEN was refused or has no access to " + repository
                    + "; accept the repository's terms on the hub or use another token";
            return new GenloomException(ErrorKind.DOWNLOAD_FAILED, "access to " + what + " (revision " + revision
                    + ") at " + base + " was refused (HTTP " + s + detail + ")", hint);
        }
        if (s == 404) {
            String msg = path == null
                    ? "no repository " + repository + " with revision " + revision + " at " + base + " (HTTP 404"
                    + detail + ")"
                    : "repository " + repository + ", revision " + revision + " has no file " + path + " at " + base
                    + " (HTTP 404" + detail + ")";
            return new NotFound(msg);
        }
        return new GenloomException(ErrorKind.DOWNLOAD_FAILED, "fetching " + what + " (revision " + revision
                + ") from " + base + " failed: HTTP " + s + detail, isTransientStatus(s)
                ? "the server is busy or failing; try again later (the download resumes)" : null);
    }

    /** A 404; the fetcher adds the catalog's suggestion to it. */
    static final class NotFound extends GenloomException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(ErrorKind.DOWNLOAD_FAILED, message);
        }
    }

    /** The LFS SHA-256 of a file, from X-Linked-ETag or ETag where it is 64 hex digits. */
    static String sha256Of(HttpHeaders headers) {
        for (String name : List.of("x-linked-etag", "etag")) {
            Optional<String> v = headers.firstValue(name);
            if (v.isPresent()) {
                String s = v.get().strip();
                if (s.startsWith("W/")) {
                    continue; // a weak etag says nothing about the bytes
                }
                s = s.replace("\"", "").toLowerCase(Locale.ROOT);
                if (SHA256.matcher(s).matches()) {
                    return s;
                }
            }
        }
        return null;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    static String encodeSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String part : path.split("/")) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(encodeSegment(part));
        }
        return sb.toString();
    }

    private static long size(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot delete " + p + ": " + e.getMessage(), null, e);
        }
    }

    // ---- bodies ---------------------------------------------------------------------------------

    /** When the connection last showed signs of life. */
    private static final class Activity {
        volatile long last = System.nanoTime();

        void touch() {
            last = System.nanoTime();
        }
    }

    /** Where a 200/206 body goes. */
    private abstract static class Sink {
        abstract HttpResponse.BodySubscriber<Void> open(HttpResponse.ResponseInfo info, long offset,
                                                        Activity activity);

        void abort() {
        }
    }

    /** Collects a small body (a JSON listing) as text. */
    private static final class StringSink extends Sink {
        private HttpResponse.BodySubscriber<String> delegate;
        private volatile String text;

        @Override
        HttpResponse.BodySubscriber<Void> open(HttpResponse.ResponseInfo info, long offset, Activity activity) {
            delegate = HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
            return HttpResponse.BodySubscribers.mapping(delegate, s -> {
                text = s;
                return null;
            });
        }

        String text() {
            return text;
        }
    }

    /**
     * Writes a body into the {@code .part} file: from the start for a 200, appended for a 206 whose
     * Content-Range starts where the part ends (anything else is discarded and the file restarted).
     */
    private static final class FileSink extends Sink implements HttpResponse.BodySubscriber<Void> {
        private final Path part;
        private final RemoteFile file;
        private final FetchListener listener;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private Activity activity;
        private FileChannel channel;
        private Flow.Subscription subscription;
        private long position;
        private boolean closed;
        volatile long written;
        volatile boolean accepted;

        FileSink(Path part, RemoteFile file, FetchListener listener) {
            this.part = part;
            this.file = file;
            this.listener = listener;
        }

        @Override
        synchronized HttpResponse.BodySubscriber<Void> open(HttpResponse.ResponseInfo info, long from,
                                                           Activity act) {
            this.activity = act;
            try {
                if (info.statusCode() == 206) {
                    String contentRange = info.headers().firstValue("content-range").orElse(null);
                    if (!rangeFits(contentRange, from, file.size())) {
                        return HttpResponse.BodySubscribers.replacing(null); // download() restarts the file
                    }
                    channel = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
                    channel.truncate(from);
                    position = from;
                } else {
                    channel = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING);
                    position = 0;
                    if (from > 0) {
                        listener.fileStarted(file.path(), file.size(), 0); // the server ignored the range
                    }
                }
                accepted = true;
            } catch (IOException e) {
                done.completeExceptionally(e);
            }
            return this;
        }

        private static boolean rangeFits(String header, long from, long size) {
            if (header == null) {
                return false;
            }
            Matcher m = CONTENT_RANGE.matcher(header.strip());
            if (!m.matches() || Long.parseLong(m.group(1)) != from) {
                return false;
            }
            if (!m.group(3).equals("*") && size >= 0 && Long.parseLong(m.group(3)) != size) {
                return false;
            }
            return m.group(3).equals("*") || Long.parseLong(m.group(2)) == Long.parseLong(m.group(3)) - 1;
        }

        @Override
        public synchronized void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (done.isDone() || closed) {
                s.cancel();
                return;
            }
            s.request(1);
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> items) {
            if (closed) {
                return;
            }
            try {
                for (ByteBuffer b : items) {
                    while (b.hasRemaining()) {
                        int n = channel.write(b, position);
                        position += n;
                        written += n;
                    }
                }
            } catch (IOException e) {
                closeChannel();
                subscription.cancel();
                done.completeExceptionally(e);
                return;
            }
            activity.touch();
            listener.progress(file.path(), position, file.size());
            subscription.request(1);
        }

        @Override
        public synchronized void onError(Throwable t) {
            closeChannel();
            done.completeExceptionally(t);
        }

        @Override
        public synchronized void onComplete() {
            try {
                if (channel != null) {
                    channel.force(false);
                }
                closeChannel();
                done.complete(null);
            } catch (IOException e) {
                closeChannel();
                done.completeExceptionally(e);
            }
        }

        @Override
        public CompletableFuture<Void> getBody() {
            return done;
        }

        @Override
        synchronized void abort() {
            if (subscription != null) {
                subscription.cancel();
            }
            closeChannel();
            done.completeExceptionally(new IOException("aborted"));
        }

        private void closeChannel() {
            closed = true;
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the transfer's outcome is decided elsewhere
                }
                channel = null;
            }
        }
    }
}
