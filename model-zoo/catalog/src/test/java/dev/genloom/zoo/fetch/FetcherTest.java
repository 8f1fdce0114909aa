package dev.genloom.zoo.fetch;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.zoo.catalog.Catalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The fetcher against a local fake hub on 127.0.0.1; nothing here touches the real network. */
class FetcherTest {
    static final String REPO = "acme/tiny-gpt";
    static final byte[] CONFIG = "{\"model_type\":\"gpt2\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] TOKENIZER = "{\"version\":\"1.0\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] MODEL = FakeHub.bytes(200_000, 1);
    static final byte[] MODEL_Q = FakeHub.bytes(50_000, 2);

    @TempDir
    Path tmp;
    Path cache;
    FakeHub hub;

    @BeforeEach
    void start() throws IOException {
        cache = tmp.resolve("cache");
        hub = new FakeHub();
        hub.put(REPO, "config.json", CONFIG).put(REPO, "tokenizer.json", TOKENIZER)
                .put(REPO, "onnx/model.onnx", MODEL).put(REPO, "onnx/model_quantized.onnx", MODEL_Q)
                .put(REPO, "pytorch_model.bin", FakeHub.bytes(10, 3));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    Catalog catalog(String modelSha) throws IOException {
        String yaml = """
                models:
                  - name: tiny-gpt
                    task: text-to-text
                    family: gpt2
                    repository: acme/tiny-gpt
                    licence: mit
                    files: [config.json, tokenizer.json]
                    dtypes:
                      fp32:
                        - path: onnx/model.onnx
                          size: %d
                          sha256: %s
                      quantized: [onnx/model_quantized.onnx]
                """.formatted(MODEL.length, modelSha);
        Path f = tmp.resolve("catalog.yaml");
        Files.writeString(f, yaml);
        return Catalog.load(f);
    }

    Fetcher.Builder fetcher() throws IOException {
        return Fetcher.builder().cache(cache).hub(hub.base()).catalog(catalog(FakeHub.sha256(MODEL)))
                .readTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(2));
    }

    static List<String> leftovers(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(p -> !p.startsWith(".locks")).toList();
        }
    }

    @Test
    void fetchesACatalogModelIntoTheCacheByItsRepository() throws IOException {
        FetchResult r = fetcher().build().fetch("tiny-gpt");
        Path folder = cache.resolve("acme/tiny-gpt");
        assertEquals(folder, r.folder());
        assertEquals("fp32", r.dtype());
        assertEquals("main", r.revision());
        assertArrayEquals(MODEL, Files.readAllBytes(folder.resolve("onnx/model.onnx")));
        assertArrayEquals(CONFIG, Files.readAllBytes(folder.resolve("config.json")));
        assertFalse(Files.exists(folder.resolve("onnx/model_quantized.onnx")), "only the fp32 variant");
        assertEquals(List.of("config.json", "onnx/model.onnx", "tokenizer.json"),
                r.files().stream().map(FetchedFile::path).toList());
        assertEquals(MODEL.length + CONFIG.length + TOKENIZER.length, r.downloaded());
        assertTrue(Files.isRegularFile(folder.resolve(Fetcher.RECORD)));
        assertFalse(Files.exists(cache.resolve("acme/.tiny-gpt.fetching")), "the staging folder is gone");
        assertEquals(1, hub.cdnHits.get(FakeHub.sha256(MODEL)).get(), "big files come from the CDN redirect");

        // again: nothing is downloaded
        FetchResult again = fetcher().build().fetch("acme/tiny-gpt");
        assertTrue(again.alreadyPresent());
        assertEquals(0, again.downloaded());
        assertEquals(1, hub.resolveHits.get(REPO + "/onnx/model.onnx").get());

        // another dtype is added to the same folder; the files already there stay
        FetchResult q = fetcher().build().fetch(FetchRequest.of("tiny-gpt").withDtype("quantized"));
        assertArrayEquals(MODEL_Q, Files.readAllBytes(folder.resolve("onnx/model_quantized.onnx")));
        assertArrayEquals(MODEL, Files.readAllBytes(folder.resolve("onnx/model.onnx")));
        assertEquals(MODEL_Q.length, q.downloaded());
    }

    @Test
    void aRepositoryOutsideTheCatalogIsFetchedFromItsListing() throws IOException {
        FetchResult r = Fetcher.builder().cache(cache).hub(hub.base()).catalog(Catalog.load()).build().fetch(REPO);
        assertEquals(REPO, r.name());
        assertEquals("fp32", r.dtype());
        assertEquals(List.of("config.json", "onnx/model.onnx", "tokenizer.json"),
                r.files().stream().map(FetchedFile::path).toList(), "one dtype, no PyTorch weights");
        FetchedFile model = r.files().get(1);
        assertEquals(FakeHub.sha256(MODEL), model.sha256(), "verified against the LFS etag");
        assertArrayEquals(MODEL, Files.readAllBytes(r.folder().resolve("onnx/model.onnx")));
    }

    @Test
    void anInterruptedTransferResumesWithRange() throws IOException {
        hub.breakOnce.add(FakeHub.sha256(MODEL));
        List<String> retries = new CopyOnWriteArrayList<>();
        FetchResult r = fetcher().build().fetch(FetchRequest.of("tiny-gpt"), new FetchListener() {
            @Override
            public void retrying(String path, String why) {
                retries.add(path);
            }
        });
        assertArrayEquals(MODEL, Files.readAllBytes(r.folder().resolve("onnx/model.onnx")));
        assertEquals(List.of("onnx/model.onnx"), retries);
        assertEquals("bytes=" + MODEL.length / 2 + "-", hub.rangesAsked.get(FakeHub.sha256(MODEL)));
        assertEquals(2, hub.cdnHits.get(FakeHub.sha256(MODEL)).get());
    }

    @Test
    void aPartLeftByAnEarlierRunIsResumed() throws IOException {
        Path staging = cache.resolve("acme/.tiny-gpt.fetching");
        Files.createDirectories(staging.resolve("onnx"));
        Files.writeString(staging.resolve(".revision"), "main");
        Files.write(staging.resolve("onnx/model.onnx.part"), Arrays.copyOf(MODEL, 1000));
        FetchResult r = fetcher().build().fetch("tiny-gpt");
        assertArrayEquals(MODEL, Files.readAllBytes(r.folder().resolve("onnx/model.onnx")));
        assertEquals("bytes=1000-", hub.rangesAsked.get(FakeHub.sha256(MODEL)));
    }

    @Test
    void aChecksumMismatchIsRefusedAndLeavesNothing() throws IOException {
        Fetcher f = Fetcher.builder().cache(cache).hub(hub.base()).catalog(catalog("ab".repeat(32))).build();
        GenloomException e = assertThrows(GenloomException.class, () -> f.fetch("tiny-gpt"));
        assertEquals(ErrorKind.DOWNLOAD_FAILED, e.kind());
        assertTrue(e.getMessage().contains("checksum mismatch for acme/tiny-gpt/onnx/model.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("ab".repeat(32)), e.getMessage());
        assertEquals(List.of(), leftovers(cache));
    }

    @Test
    void theServersLfsEtagIsVerifiedWhereTheCatalogHasNoChecksum() throws IOException {
        hub.lyingEtag.add(REPO + "/onnx/model_quantized.onnx");
        GenloomException e = assertThrows(GenloomException.class,
                () -> fetcher().build().fetch(FetchRequest.of("tiny-gpt").withDtype("quantized")));
        assertTrue(e.getMessage().contains("checksum mismatch for acme/tiny-gpt/onnx/model_quantized.onnx"),
                e.getMessage());
        assertTrue(e.getMessage().contains("the server (LFS ETag)"), e.getMessage());
        assertEquals(List.of(), leftovers(cache));
    }

    @Test
    void aMissingFileIsAClear404() throws IOException {
        hub.repos.get(REPO).remove("tokenizer.json");
        GenloomException e = assertThrows(GenloomException.class, () -> fetcher().build().fetch("tiny-gpt"));
        assertEquals(ErrorKind.DOWNLOAD_FAILED, e.kind());
        assertTrue(e.getMessage().contains("repository acme/tiny-gpt, revision main has no file tokenizer.json"),
                e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertTrue(e.describe().contains("catalog entry 'tiny-gpt'"), e.describe());
        assertFalse(Files.exists(cache.resolve("acme/tiny-gpt")));

        GenloomException rev = assertThrows(GenloomException.class,
                () -> fetcher().build().fetch(FetchRequest.of("tiny-gpt").withRevision("v9")));
        assertTrue(rev.getMessage().contains("revision v9"), rev.getMessage());

        GenloomException repo = assertThrows(GenloomException.class, () -> fetcher().build().fetch("acme/tiny-gtp"));
        assertTrue(repo.getMessage().contains("no repository acme/tiny-gtp"), repo.getMessage());
        assertTrue(repo.getMessage().contains("did you mean 'acme/tiny-gpt'"), repo.getMessage());
    }

    @Test
    void aRepositoryThatDoesNotExistLeavesNoLockFileBehind() throws IOException {
        GenloomException e = assertThrows(GenloomException.class, () -> fetcher().build().fetch("acme/no-such-repo"));
        assertEquals(ErrorKind.DOWNLOAD_FAILED, e.kind());
        assertTrue(e.getMessage().contains("no repository acme/no-such-repo"), e.getMessage());
        assertFalse(Files.exists(cache.resolve(".locks/acme--no-such-repo.lock")));
        if (Files.exists(cache)) {
            try (Stream<Path> all = Files.walk(cache)) {
                assertEquals(List.of(), all.filter(Files::isRegularFile).toList(), "nothing at all in the cache");
            }
        }
        // a repository that exists is still fetched under its lock
        FetchResult r = fetcher().build().fetch(REPO);
        assertTrue(Files.isRegularFile(r.folder().resolve("config.json")));
        assertTrue(Files.exists(cache.resolve(".locks/acme--tiny-gpt.lock")));
    }

    @Test
    void anUnknownNameIsModelNotFound() throws IOException {
        GenloomException e = assertThrows(GenloomException.class, () -> fetcher().build().fetch("tiny-gtp"));
        assertEquals(ErrorKind.MODEL_NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("did you mean 'tiny-gpt'"), e.getMessage());
    }

    @Test
    void aGatedRepositoryAsksForHfToken() throws IOException {
        hub.gated.add(REPO);
        GenloomException e = assertThrows(GenloomException.class, () -> fetcher().build().fetch("tiny-gpt"));
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertTrue(e.describe().contains("HF_TOKEN"), e.describe());
        FetchResult r = fetcher().token("secret").build().fetch("tiny-gpt");
        assertArrayEquals(MODEL, Files.readAllBytes(r.folder().resolve("onnx/model.onnx")));
    }

    @Test
    void aHungServerFailsWithinTheReadTimeout() {
        hub.hang = true;
        long t0 = System.nanoTime();
        GenloomException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
                GenloomException.class, () -> fetcher().readTimeout(Duration.ofSeconds(1)).build().fetch("tiny-gpt")));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ErrorKind.DOWNLOAD_FAILED, e.kind());
        assertTrue(e.getMessage().contains("read timed out"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        assertTrue(ms < 5000, "took " + ms + " ms");
    }

    @Test
    void aRefusedConnectionIsANetworkError() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Fetcher f = Fetcher.builder().cache(cache).hub("http://127.0.0.1:" + port).catalog(catalog("ab".repeat(32)))
                .attempts(1).build();
        GenloomException e = assertThrows(GenloomException.class, () -> f.fetch("tiny-gpt"));
        assertEquals(ErrorKind.DOWNLOAD_FAILED, e.kind());
        assertTrue(e.getMessage().contains("cannot connect to 127.0.0.1:" + port), e.getMessage());
        assertTrue(e.describe().contains("GENLOOM_HUB"), e.describe());
    }

    @Test
    void twoConcurrentFetchesDownloadOnce() throws Exception {
        hub.delayMillis = 150;
        Fetcher f = fetcher().build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<FetchResult> job = () -> f.fetch("tiny-gpt");
            Future<FetchResult> a = pool.submit(job);
            Future<FetchResult> b = pool.submit(job);
            FetchResult ra = a.get();
            FetchResult rb = b.get();
            assertEquals(ra.folder(), rb.folder());
            assertTrue(ra.alreadyPresent() != rb.alreadyPresent(), "one downloads, the other finds it complete");
            for (String p : List.of("config.json", "tokenizer.json", "onnx/model.onnx")) {
                assertEquals(1, hub.resolveHits.get(REPO + "/" + p).get(), p);
            }
            assertArrayEquals(MODEL, Files.readAllBytes(ra.folder().resolve("onnx/model.onnx")));
        } finally {
            pool.shutdownNow();
        }
    }

    /** A child JVM running {@link FetchMain}, its output gathered line by line. */
    static final class Child {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CountDownLatch waiting = new CountDownLatch(1);
        final Thread reader;

        Child(String name, List<String> command) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
            process = pb.start();
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(
                        process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                        if (line.startsWith("FETCHMAIN waiting ")) {
                            waiting.countDown();
                        }
                    }
                } catch (IOException e) {
                    lines.add("(reading the output failed: " + e + ")");
                }
            }, "child-output-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        /** The epoch millis of the first FETCHMAIN line starting with the event, or -1. */
        long at(String event) {
            for (String l : lines) {
                if (l.startsWith("FETCHMAIN " + event)) {
                    return Long.parseLong(l.substring(l.lastIndexOf(' ') + 1));
                }
            }
            return -1;
        }

        String line(String event) {
            return lines.stream().filter(l -> l.startsWith("FETCHMAIN " + event)).findFirst().orElse(null);
        }

        String output() {
            return String.join("\n", lines);
        }
    }

    @Test
    void twoProcessesFetchingTheSameModelDownloadOnce() throws Exception {
        String modelSha = FakeHub.sha256(MODEL);
        Path catalogFile = tmp.resolve("catalog.yaml");
        catalog(modelSha); // writes catalogFile
        hub.holdSha = modelSha; // the model's body stops half-way until the test lets it go on
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(javaBin, "-cp", System.getProperty("java.class.path"),
                FetchMain.class.getName(), cache.toString(), hub.base(), catalogFile.toString(), "tiny-gpt");
        Child a = null;
        Child b = null;
        try {
            a = new Child("a", command);
            b = new Child("b", command);
            Child first = a;
            Child second = b;
            // one process holds the lock and is half-way through the model's body ...
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!hub.held.await(20, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline
                    && (a.process.isAlive() || b.process.isAlive())) {
                // polling, so that children dying early fail the test at once
            }
            assertEquals(0, hub.held.getCount(),
                    "no process started downloading the model:\n" + a.output() + "\n--\n" + b.output());
            // ... while the other is told it waits for the lock
            while (a.waiting.getCount() > 0 && b.waiting.getCount() > 0 && System.nanoTime() < deadline
                    && a.process.isAlive() && b.process.isAlive()
                    && hub.gets.get("/cdn/" + modelSha).get() == 1) {
                Thread.sleep(20);
            }
            assertTrue(a.waiting.getCount() == 0 || b.waiting.getCount() == 0,
                    "neither process waited on the lock while the model was downloading:\n" + a.output()
                            + "\n--\n" + b.output());
            if (a.waiting.getCount() == 0) {
                first = b;
                second = a;
            }
            long released = System.currentTimeMillis();
            assertEquals(1, hub.gets.get("/cdn/" + modelSha).get(), "the model body was asked for once so far");
            hub.releaseHeld();

            for (Child c : List.of(a, b)) {
                if (!c.process.waitFor(60, TimeUnit.SECONDS)) {
                    c.process.destroyForcibly();
                    fail("a child did not finish in 60 s:\n" + c.output());
                }
                c.reader.join(5000);
            }
            assertEquals(0, first.process.exitValue(), first.output());
            assertEquals(0, second.process.exitValue(), second.output());

            // the downloader downloaded everything; the waiter found the model complete and fetched nothing
            assertTrue(first.line("done ").contains("alreadyPresent=false"), first.output());
            assertTrue(first.line("done ").contains("downloaded=" + (MODEL.length + CONFIG.length
                    + TOKENIZER.length)), first.output());
            assertTrue(second.line("done ").contains("alreadyPresent=true"), second.output());
            assertTrue(second.line("done ").contains("downloaded=0 "), second.output());
            assertEquals(-1, first.at("waiting"), "the downloader never waited:\n" + first.output());

            // the overlap was real: the waiter waited before the model body was complete, and finished after
            long bodyDone = hub.fullBodyDoneAt.get("/cdn/" + modelSha);
            assertTrue(second.at("waiting") <= released && released <= bodyDone,
                    "waiting " + second.at("waiting") + ", released " + released + ", body done " + bodyDone);
            assertTrue(second.at("done ") >= bodyDone, "the waiter finished before the body was served:\n"
                    + second.output());
            // the downloader prints "done" after it lets the lock go, so the waiter, woken by that, may print
            // first by a scheduling slice: what must hold is that it did not finish while the download ran
            assertTrue(second.at("done ") >= first.at("done ") - 2000, "the waiter finished before the downloader:\n"
                    + first.output() + "\n--\n" + second.output());

            // every file was served in full exactly once; nothing else was asked for
            Map<String, Integer> gets = new TreeMap<>();
            hub.gets.forEach((k, v) -> gets.put(k, v.get()));
            assertEquals(Map.of(
                    "/" + REPO + "/resolve/main/config.json", 1,
                    "/" + REPO + "/resolve/main/tokenizer.json", 1,
                    "/" + REPO + "/resolve/main/onnx/model.onnx", 1,
                    "/cdn/" + modelSha, 1), gets);
            Map<String, Integer> full = new TreeMap<>();
            hub.fullBodies.forEach((k, v) -> full.put(k, v.get()));
            assertEquals(Map.of(
                    "/" + REPO + "/resolve/main/config.json", 1,
                    "/" + REPO + "/resolve/main/tokenizer.json", 1,
                    "/cdn/" + modelSha, 1), full, "the model.onnx resolve is a redirect, without a body");
            assertTrue(hub.rangesAsked.isEmpty(), "nothing was resumed: " + hub.rangesAsked);

            // the model folder is complete and correct, and nothing of the download is left
            Path folder = cache.resolve(REPO);
            assertArrayEquals(MODEL, Files.readAllBytes(folder.resolve("onnx/model.onnx")));
            assertEquals(modelSha, Fetcher.sha256(folder.resolve("onnx/model.onnx")));
            assertArrayEquals(CONFIG, Files.readAllBytes(folder.resolve("config.json")));
            assertArrayEquals(TOKENIZER, Files.readAllBytes(folder.resolve("tokenizer.json")));
            assertEquals(List.of(Fetcher.RECORD, "config.json", "onnx/model.onnx", "tokenizer.json"),
                    leftovers(folder).stream().sorted().toList());
            assertEquals(List.of("acme/tiny-gpt/" + Fetcher.RECORD, "acme/tiny-gpt/config.json",
                    "acme/tiny-gpt/onnx/model.onnx", "acme/tiny-gpt/tokenizer.json"),
                    leftovers(cache).stream().sorted().toList(), "no staging folder, .part or old folder is left");
            try (Stream<Path> s = Files.list(cache.resolve("acme"))) {
                assertEquals(List.of("tiny-gpt"), s.map(p -> p.getFileName().toString()).toList());
            }
        } finally {
            hub.releaseHeld();
            for (Child c : Arrays.asList(a, b)) {
                if (c != null && c.process.isAlive()) {
                    c.process.destroyForcibly();
                }
            }
        }
    }

    @Test
    void aFolderMirrorServesLikeTheHub() throws IOException {
        Path mirror = tmp.resolve("mirror");
        Files.createDirectories(mirror.resolve("acme/tiny-gpt/onnx"));
        Files.write(mirror.resolve("acme/tiny-gpt/config.json"), CONFIG);
        Files.write(mirror.resolve("acme/tiny-gpt/tokenizer.json"), TOKENIZER);
        Files.write(mirror.resolve("acme/tiny-gpt/onnx/model.onnx"), MODEL);
        Files.write(mirror.resolve("acme/tiny-gpt/onnx/model_fp16.onnx"), MODEL_Q);
        Files.write(mirror.resolve("acme/tiny-gpt/model.safetensors"), CONFIG);
        FetchResult r = Fetcher.builder().cache(cache).hub(mirror.toString()).catalog(catalog(FakeHub.sha256(MODEL)))
                .build().fetch("tiny-gpt");
        assertArrayEquals(MODEL, Files.readAllBytes(r.folder().resolve("onnx/model.onnx")));

        // outside the catalog: the mirror's listing, one dtype, no foreign weights
        Files.move(mirror.resolve("acme/tiny-gpt"), mirror.resolve("acme/listed"));
        FetchResult listed = Fetcher.builder().cache(tmp.resolve("cache2")).hub(mirror.toString())
                .catalog(catalog(FakeHub.sha256(MODEL)).and(Catalog.load())).build()
                .fetch(FetchRequest.of("acme--listed").withDtype("fp16"));
        assertEquals(tmp.resolve("cache2/acme/listed"), listed.folder());
        assertEquals("fp16", listed.dtype());
        assertEquals(List.of("config.json", "onnx/model_fp16.onnx", "tokenizer.json"),
                listed.files().stream().map(FetchedFile::path).toList());

        GenloomException e = assertThrows(GenloomException.class, () -> Fetcher.builder().cache(cache)
                .hub(mirror.toString()).build().fetch("acme/nothing"));
        assertTrue(e.getMessage().contains("no repository acme/nothing in the mirror folder"), e.getMessage());
    }

    @Test
    void dtypesAreTakenFromFileNames() {
        assertEquals("fp32", Fetcher.dtypeOfFile("onnx/model.onnx").orElseThrow());
        assertEquals("q4f16", Fetcher.dtypeOfFile("onnx/model_q4f16.onnx").orElseThrow());
        assertEquals("q4", Fetcher.dtypeOfFile("onnx/decoder_model_merged_q4.onnx").orElseThrow());
        assertEquals("fp16", Fetcher.dtypeOfFile("onnx/model_fp16.onnx_data").orElseThrow());
        assertEquals("fp32", Fetcher.dtypeOfFile("unet/model.onnx.data").orElseThrow());
        assertTrue(Fetcher.dtypeOfFile("unet/weights.pb").isEmpty());
    }
}
