package dev.genloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code genloom fetch} and {@code genloom models --catalog}, end to end against a hub on 127.0.0.1. */
class FetchCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final byte[] MODEL = new byte[30_000];
    static final Map<String, byte[]> FILES = Map.of(
            "config.json", "{\"model_type\":\"gpt2\"}".getBytes(StandardCharsets.UTF_8),
            "onnx/model.onnx", MODEL);

    @TempDir
    static Path tmp;
    static HttpServer server;
    static String base;
    static Path catalog;

    @BeforeAll
    static void start() throws Exception {
        new java.util.Random(7).nextBytes(MODEL);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                String p = ex.getRequestURI().getPath();
                String prefix = "/acme/tiny/resolve/main/";
                byte[] b = p.startsWith(prefix) ? FILES.get(p.substring(prefix.length())) : null;
                if (b == null) {
                    ex.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                ex.getResponseHeaders().add("ETag", "\"" + sha256(b) + "\"");
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        catalog = tmp.resolve("my-catalog.yaml");
        Files.writeString(catalog, """
                models:
                  - name: tiny
                    task: text-to-text
                    family: gpt2
                    repository: acme/tiny
                    licence: mit
                    files: [config.json]
                    dtypes:
                      fp32:
                        - path: onnx/model.onnx
                          size: %d
                          sha256: %s
                      fp16: [onnx/model_fp16.onnx]
                """.formatted(MODEL.length, sha256(MODEL)));
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    record Result(int status, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    static Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("-q"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void fetchDownloadsIntoTheCacheAndReportsJson() throws IOException {
        Path cache = tmp.resolve("cache1");
        Result r = cli("fetch", "tiny", "--hub", base, "--cache", cache.toString(), "--catalog", catalog.toString(),
                "--json");
        assertEquals(0, r.status(), r.err() + r.out());
        JsonNode j = r.json();
        assertEquals(cache.resolve("acme/tiny").toString(), j.get("folder").asText());
        assertEquals("acme/tiny", j.get("repository").asText());
        assertEquals("fp32", j.get("dtype").asText());
        assertEquals(2, j.get("files").size());
        assertEquals(MODEL.length + FILES.get("config.json").length, j.get("bytes").asLong());
        assertEquals(j.get("bytes").asLong(), j.get("downloaded").asLong());
        assertTrue(j.get("seconds").asDouble() >= 0);
        assertEquals(sha256(MODEL), j.get("files").get(1).get("sha256").asText());
        assertArrayEquals(MODEL, Files.readAllBytes(cache.resolve("acme/tiny/onnx/model.onnx")));

        Result again = cli("fetch", "acme/tiny", "--hub", base, "--cache", cache.toString(), "--catalog",
                catalog.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("already in the cache"), again.out());
    }

    @Test
    void aFetchDrawsOneBarForTheWholeDownload() {
        ProgressBarsTest.Recorder bars = new ProgressBarsTest.Recorder();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(new String[] {"-q", "fetch", "tiny", "--hub", base, "--cache",
            tmp.resolve("cache4").toString(), "--catalog", catalog.toString()}, new PrintWriter(out),
                new PrintWriter(err), bars);
        assertEquals(0, status, err.toString());
        assertEquals(1, bars.bars.size(), "one bar, not one per file");
        ProgressBarsTest.RecordedBar bar = bars.bars.get(0);
        assertEquals("acme/tiny", bar.task);
        long bytes = MODEL.length + FILES.get("config.json").length;
        assertEquals(bytes, bar.done);
        assertEquals(bytes, bar.total, "the catalog gives no size for config.json: the total is known at the end");
        assertEquals(2, bar.messages.size(), bar.messages.toString());
        assertTrue(bar.closed);
    }

    @Test
    void anUnknownNameExitsWith2() throws IOException {
        Result r = cli("fetch", "tinny", "--hub", base, "--cache", tmp.resolve("cache2").toString(), "--catalog",
                catalog.toString(), "--json");
        assertEquals(2, r.status(), r.err());
        assertEquals("MODEL_NOT_FOUND", r.json().get("error").get("kind").asText());
        assertTrue(r.err().contains("did you mean 'tiny'"), r.err());
    }

    @Test
    void aFailedDownloadExitsWith1AndNamesThePath() {
        Path cache = tmp.resolve("cache3");
        Result r = cli("fetch", "tiny", "--dtype", "fp16", "--hub", base, "--cache", cache.toString(), "--catalog",
                catalog.toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("repository acme/tiny, revision main has no file onnx/model_fp16.onnx"), r.err());
        assertTrue(r.err().contains("HTTP 404"), r.err());
        assertFalse(Files.exists(cache.resolve("acme/tiny")));
    }

    @Test
    void modelsCatalogListsTheBundledModels() throws IOException {
        Result text = cli("models", "--catalog");
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().startsWith("NAME"), text.out());
        assertTrue(text.out().contains("whisper-tiny.en"), text.out());
        assertTrue(text.out().contains("Xenova/whisper-tiny.en"), text.out());

        JsonNode j = cli("models", "--catalog", "--json").json();
        JsonNode first = null;
        for (JsonNode m : j.get("models")) {
            if (m.get("name").asText().equals("gpt2")) {
                first = m;
            }
        }
        assertTrue(first != null, j.toString());
        assertEquals("text-to-text", first.get("task").asText());
        assertEquals("Xenova/gpt2", first.get("repository").asText());
        assertTrue(first.get("dtypes").has("quantized"));

        JsonNode mine = cli("models", "--catalog", catalog.toString(), "--json").json();
        assertEquals(1, mine.get("models").size());
        assertEquals(MODEL.length, mine.get("models").get(0).get("dtypes").get("fp32").get("files").get(1)
                .get("size").asLong());
    }
}
