package dev.genloom.runtime.session;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.runtime.config.Optimization;
import dev.genloom.zoo.testkit.lm.Gpt2Model;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizedModelsTest {

    @TempDir
    Path tmp;

    private OrtSessions sessions;
    private OptimizedModels cache;
    /** The files the cache asked ONNX Runtime to load, with where it asked for the optimised graph ("-": nowhere). */
    private final List<String> loads = new ArrayList<>();

    @BeforeEach
    void start() {
        sessions = new OrtSessions(OrtSessions.Settings.of("cpu", 1, 1, "all", "fp32"), CudaProbe.system());
        cache = new OptimizedModels(tmp.resolve("cache"), sessions.environment().getVersion(), 0);
    }

    @AfterEach
    void stop() {
        sessions.close();
    }

    private OrtSession open(Path model) throws OrtException {
        return cache.open(model, Optimization.ALL, (file, level, out, quiet) -> {
            loads.add(file + " " + level + " " + (out == null ? "-" : out.getFileName()));
            return sessions.load(file, level, out, quiet);
        });
    }

    private static float[] add(OrtSession session, float[] x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {x.length});
             OrtSession.Result r = session.run(Map.of("x", t))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().array();
        }
    }

    private Path entry(Path model) {
        return cache.entryFor(model, Optimization.ALL);
    }

    private Path externalModel(float[] weights) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("model/onnx"));
        return TinyOnnx.writeAddExternal(dir.resolve("model.onnx"), weights);
    }

    @Test
    void theFirstLoadWritesAnEntryAndLaterLoadsStartFromIt() throws Exception {
        Path model = externalModel(new float[] {100, 200, 300, 400});
        Path entry = entry(model);
        try (OrtSession s = open(model)) {
            assertArrayEquals(new float[] {101, 202, 303, 404}, add(s, new float[] {1, 2, 3, 4}));
        }
        assertEquals(List.of(model + " extended " + OptimizedModels.MODEL, entry.resolve(OptimizedModels.MODEL) + " all -"),
                loads, "written at extended, then loaded from the entry at the configured level");
        assertTrue(Files.isRegularFile(entry.resolve(OptimizedModels.STAMP)));
        String stamp = Files.readString(entry.resolve(OptimizedModels.STAMP));
        assertTrue(stamp.contains("file\tmodel.onnx\t") && stamp.contains("file\tmodel.onnx_data\t"), stamp);

        loads.clear();
        try (OrtSession s = open(model)) {
            assertArrayEquals(new float[] {101, 202, 303, 404}, add(s, new float[] {1, 2, 3, 4}));
        }
        assertEquals(List.of(entry.resolve(OptimizedModels.MODEL) + " all -"), loads, "a hit loads the entry only");
        assertEquals(stamp, Files.readString(entry.resolve(OptimizedModels.STAMP)));
        assertNoTemporaryFolders();
    }

    @Test
    void aChangedExternalDataFileIsOptimisedAgain() throws Exception {
        Path model = externalModel(new float[] {100, 200, 300, 400});
        try (OrtSession s = open(model)) {
            assertArrayEquals(new float[] {101, 202, 303, 404}, add(s, new float[] {1, 2, 3, 4}));
        }
        // the same size in place: only the modification time tells
        Path data = model.resolveSibling("model.onnx_data");
        FileTime before = Files.getLastModifiedTime(data);
        TinyOnnx.writeAddExternal(model, new float[] {-1, -2, -3, -4});
        Files.setLastModifiedTime(data, FileTime.fromMillis(before.toMillis() + 2000));
        Files.setLastModifiedTime(model, FileTime.fromMillis(before.toMillis() + 2000));
        loads.clear();
        try (OrtSession s = open(model)) {
            assertArrayEquals(new float[] {0, 0, 0, 0}, add(s, new float[] {1, 2, 3, 4}), "the new weights");
        }
        assertEquals(2, loads.size(), "written again, then loaded: " + loads);
        assertTrue(loads.get(0).startsWith(model.toString()), loads.toString());
    }

    @Test
    void aChangedModelFileIsOptimisedAgain() throws Exception {
        Path model = externalModel(new float[] {1, 1, 1, 1});
        try (OrtSession s = open(model)) {
            assertArrayEquals(new float[] {1, 2, 3, 4}, add(s, new float[] {0, 1, 2, 3}));
        }
        TinyOnnx.writeAddExternal(model, new float[] {10, 10, 10, 10, 10}); // another graph: five weights
        loads.clear();
        try (OrtSession s = open(model)) {
            assertArrayEquals(new float[] {10, 11, 12, 13, 14}, add(s, new float[] {0, 1, 2, 3, 4}));
        }
        assertEquals(List.of(model + " extended " + OptimizedModels.MODEL, entry(model).resolve(OptimizedModels.MODEL)
                + " all -"), loads);
        assertNoTemporaryFolders();
    }

    @Test
    void aSourceThatNoLongerLoadsIsItsOwnErrorNotTheStaleEntry() throws Exception {
        Path model = externalModel(new float[] {1, 1, 1, 1});
        try (OrtSession s = open(model)) {
            add(s, new float[] {0, 0, 0, 0});
        }
        Files.writeString(model, "no longer a model");
        loads.clear();
        assertThrows(OrtException.class, () -> open(model));
        assertTrue(loads.stream().noneMatch(l -> l.startsWith(entry(model).toString())), loads.toString());
        assertNoTemporaryFolders();
    }

    @Test
    void aCorruptEntryFallsBackOnTheSourceAndIsWrittenAgain() throws Exception {
        Path model = externalModel(new float[] {100, 200, 300, 400});
        try (OrtSession s = open(model)) {
            add(s, new float[] {0, 0, 0, 0});
        }
        Path graph = entry(model).resolve(OptimizedModels.MODEL);
        byte[] garbage = new byte[(int) Files.size(graph)];
        Arrays.fill(garbage, (byte) 0x5a);
        Files.write(graph, garbage); // same size: the stamp still matches, ONNX Runtime refuses it
        loads.clear();
        try (OrtSession s = open(model)) {
            assertArrayEquals(new float[] {101, 202, 303, 404}, add(s, new float[] {1, 2, 3, 4}));
        }
        assertEquals(List.of(graph + " all -", model + " extended " + OptimizedModels.MODEL, graph + " all -"), loads);
        assertFalse(Arrays.equals(garbage, Files.readAllBytes(graph)), "written again");
        assertNoTemporaryFolders();
    }

    @Test
    void aTruncatedEntryIsStaleAndWrittenAgain() throws Exception {
        Path model = Gpt2Model.write(tmp.resolve("gpt2"), Gpt2Model.TINY).resolve("onnx/model.onnx");
        open(model).close();
        Path data = entry(model).resolve(OptimizedModels.DATA);
        assertTrue(Files.size(data) > 0, "the test kit's GPT-2 has weights over the external threshold");
        try (var ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(data) / 2);
        }
        loads.clear();
        try (OrtSession s = open(model)) {
            assertEquals(3 + 2 * 2, s.getNumInputs(), "ids, mask, positions and two layers' past");
        }
        assertEquals(List.of(model + " extended " + OptimizedModels.MODEL, entry(model).resolve(OptimizedModels.MODEL)
                + " all -"), loads, "the stamp's sizes tell, before ONNX Runtime maps a short file");
    }

    @Test
    void theOptimisedCopyComputesWhatTheSourceDoes() throws Exception {
        Path model = Gpt2Model.write(tmp.resolve("gpt2"), Gpt2Model.TINY).resolve("onnx/model.onnx");
        float[] plain;
        try (OrtSession s = sessions.load(model, Optimization.ALL, null, false)) {
            plain = logits(s);
        }
        for (int i = 0; i < 2; i++) { // written, then hit
            try (OrtSession s = open(model)) {
                assertArrayEquals(plain, logits(s), 1e-5f);
            }
        }
        assertEquals(3, loads.size(), loads.toString());
    }

    /** The logits of a GPT-2 prefill over four tokens, with an empty past. */
    private static float[] logits(OrtSession session) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                String name = e.getKey();
                long[] shape = ((TensorInfo) e.getValue().getInfo()).getShape();
                if (name.startsWith("past_key_values")) {
                    feed.put(name, OnnxTensor.createTensor(env, FloatBuffer.allocate(0),
                            new long[] {1, shape[1], 0, shape[3]}));
                } else {
                    long[] v = name.equals("input_ids") ? new long[] {5, 17, 3, 42}
                            : name.equals("attention_mask") ? new long[] {1, 1, 1, 1} : new long[] {0, 1, 2, 3};
                    feed.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(v), new long[] {1, 4}));
                }
            }
            try (OrtSession.Result r = session.run(feed, Set.of("logits"))) {
                return ((OnnxTensor) r.get(0)).getFloatBuffer().array();
            }
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void aGraphOnnxRuntimeCannotLoadBackOptimisedIsKeptWithItsWeightsOnly() throws Exception {
        // ONNX Runtime writes the optimised merged decoder (an If over two branches) with clashing
        // initializer names and then refuses it; the graph as it is, weights laid out, loads
        Path model = Gpt2Model.write(tmp.resolve("gpt2"), Gpt2Model.TINY).resolve("onnx/decoder_model_merged.onnx");
        Path graph = entry(model).resolve(OptimizedModels.MODEL);
        try (OrtSession s = open(model)) {
            assertEquals(List.of(model + " extended " + OptimizedModels.MODEL, graph + " all -",
                    model + " disable " + OptimizedModels.MODEL, graph + " all -"), loads);
            assertTrue(s.getInputNames().contains("use_cache_branch"));
        }
        assertTrue(Files.readString(entry(model).resolve(OptimizedModels.STAMP)).contains("written\tdisable\n"));
        loads.clear();
        open(model).close();
        assertEquals(List.of(graph + " all -"), loads, "a hit");
        assertNoTemporaryFolders();
    }

    @Test
    void whatOnnxRuntimeCannotLoadBackIsRememberedUntilTheSourceChanges() throws Exception {
        Path model = externalModel(new float[] {100, 200, 300, 400});
        Path entries = tmp.resolve("cache");
        OptimizedModels.Loader refusing = (file, level, out, quiet) -> {
            loads.add(file + " " + level + " " + (out == null ? "-" : out.getFileName()));
            if (file.startsWith(entries)) {
                throw new OrtException(OrtException.OrtErrorCode.ORT_INVALID_GRAPH, "This is an invalid model");
            }
            return sessions.load(file, level, out, quiet);
        };
        try (OrtSession s = cache.open(model, Optimization.ALL, refusing)) {
            assertArrayEquals(new float[] {101, 202, 303, 404}, add(s, new float[] {1, 2, 3, 4}));
        }
        assertEquals(5, loads.size(), "extended and disable written and refused, then the source: " + loads);
        assertTrue(Files.readString(entry(model).resolve(OptimizedModels.STAMP)).contains("\nrefused\t"));
        assertFalse(Files.exists(entry(model).resolve(OptimizedModels.MODEL)), "nothing but the stamp is kept");
        loads.clear();
        try (OrtSession s = cache.open(model, Optimization.ALL, refusing)) {
            assertArrayEquals(new float[] {101, 202, 303, 404}, add(s, new float[] {1, 2, 3, 4}));
        }
        assertEquals(List.of(model + " all -"), loads, "not tried again");

        TinyOnnx.writeAddExternal(model, new float[] {10, 10, 10, 10, 10});
        loads.clear();
        try (OrtSession s = open(model)) {
            assertArrayEquals(new float[] {10, 11, 12, 13, 14}, add(s, new float[] {0, 1, 2, 3, 4}));
        }
        assertEquals(2, loads.size(), "a changed source is tried again: " + loads);
        assertNoTemporaryFolders();
    }

    @Test
    void twoProcessesOpeningOneModelAtOnceShareOneEntry() throws Exception {
        Path model = Gpt2Model.write(tmp.resolve("gpt2"), Gpt2Model.TINY).resolve("onnx/model.onnx");
        float[] plain;
        try (OrtSession s = sessions.load(model, Optimization.ALL, null, false)) {
            plain = logits(s);
        }
        // two caches on one folder: each its own in-process lock, as two processes would have
        List<OptimizedModels> caches = List.of(cache,
                new OptimizedModels(tmp.resolve("cache"), sessions.environment().getVersion(), 0));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                OptimizedModels c = caches.get(i % 2);
                results.add(pool.submit(() -> {
                    try (OrtSession s = c.open(model, Optimization.ALL, sessions::load)) {
                        return logits(s);
                    }
                }));
            }
            for (Future<float[]> r : results) {
                assertArrayEquals(plain, r.get(), 1e-5f);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> entries = Files.list(tmp.resolve("cache"))) {
            assertEquals(List.of(entry(model)), entries.toList());
        }
    }

    @Test
    void writingAnEntryClearsThoseOfSourcesGoneAndThoseLongUnused() throws Exception {
        Path gone = Gpt2Model.write(tmp.resolve("gone"), Gpt2Model.TINY).resolve("onnx/model.onnx");
        Path kept = Gpt2Model.write(tmp.resolve("kept"), Gpt2Model.TINY).resolve("onnx/model.onnx");
        OptimizedModels older = new OptimizedModels(tmp.resolve("cache"), "0.0.1-older", 0);
        older.open(kept, Optimization.ALL, sessions::load).close();
        Path olderEntry = older.entryFor(kept, Optimization.ALL);
        open(gone).close();
        open(kept).close();
        assertTrue(Files.isDirectory(olderEntry), "another runtime's recent entry is kept");
        NativeLibraries.deleteTree(tmp.resolve("gone"));
        Files.setLastModifiedTime(olderEntry, FileTime.fromMillis(System.currentTimeMillis()
                - TimeUnit.DAYS.toMillis(OptimizedModels.UNUSED_DAYS + 1)));
        Files.setLastModifiedTime(entry(kept), FileTime.fromMillis(System.currentTimeMillis()
                - TimeUnit.DAYS.toMillis(OptimizedModels.UNUSED_DAYS + 1)));
        open(kept).close(); // a hit marks it used again

        Path next = externalModel(new float[] {1, 2, 3, 4});
        open(next).close();
        try (Stream<Path> entries = Files.list(tmp.resolve("cache"))) {
            assertEquals(Set.of(entry(kept), entry(next)), Set.copyOf(entries.toList()),
                    "the deleted model's entry and the long-unused one are gone");
        }
    }

    @Test
    void aCacheThatCannotBeWrittenLoadsTheSourceAsItIs() throws Exception {
        Path model = externalModel(new float[] {100, 200, 300, 400});
        Files.writeString(tmp.resolve("blocked"), "a file where the cache folder should be");
        OptimizedModels blocked = new OptimizedModels(tmp.resolve("blocked/cache"), "1.0", 0);
        try (OrtSession s = blocked.open(model, Optimization.ALL, sessions::load)) {
            assertArrayEquals(new float[] {101, 202, 303, 404}, add(s, new float[] {1, 2, 3, 4}));
        }
    }

    @Test
    void smallModelsLoadAsTheyAre() throws Exception {
        Path model = externalModel(new float[] {100, 200, 300, 400});
        OptimizedModels big = new OptimizedModels(tmp.resolve("cache"), "1.0", OptimizedModels.DEFAULT_MIN_BYTES);
        try (OrtSession s = big.open(model, Optimization.ALL, (file, level, out, quiet) -> {
            loads.add(file + " " + level + " " + out);
            return sessions.load(file, level, out, quiet);
        })) {
            add(s, new float[] {0, 0, 0, 0});
        }
        assertEquals(List.of(model + " all null"), loads);
        assertFalse(Files.exists(tmp.resolve("cache")));
    }

    @Test
    void entriesDifferByLevelAndRuntimeVersion() {
        Path model = tmp.resolve("m/model.onnx");
        assertNotEquals(cache.entryFor(model, Optimization.ALL), cache.entryFor(model, Optimization.BASIC));
        assertNotEquals(cache.entryFor(model, Optimization.ALL),
                new OptimizedModels(tmp.resolve("cache"), "0.0.1", 0).entryFor(model, Optimization.ALL));
        assertEquals(Optimization.EXTENDED, OptimizedModels.writtenLevel(Optimization.ALL));
        assertEquals(Optimization.BASIC, OptimizedModels.writtenLevel(Optimization.BASIC));
    }

    @Test
    void throughTheSessionsABrokenModelIsStillIncompatibleAndNamed() throws Exception {
        Path garbage = Files.writeString(tmp.resolve("garbage.onnx"), "this is not a protobuf, just text\n");
        OrtSessions.Settings settings = OrtSessions.Settings.of("cpu", 1, 1, "all", "fp32")
                .withOptimizedCache(tmp.resolve("sessions-cache"));
        try (OrtSessions s = new OrtSessions(settings, CudaProbe.system(), 0)) {
            assertEquals(tmp.resolve("sessions-cache"), s.optimizedCache().orElseThrow());
            GenloomException e = assertThrows(GenloomException.class, () -> s.open(garbage));
            assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
            assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
            Path model = externalModel(new float[] {100, 200, 300, 400});
            try (OrtSession session = s.open(model)) {
                assertArrayEquals(new float[] {101, 202, 303, 404}, add(session, new float[] {1, 2, 3, 4}));
            }
            try (Stream<Path> entries = Files.list(tmp.resolve("sessions-cache"))) {
                assertEquals(1, entries.count(), "one entry, for the good model");
            }
        }
    }

    private void assertNoTemporaryFolders() throws Exception {
        try (Stream<Path> list = Files.list(tmp.resolve("cache"))) {
            List<Path> hidden = list.filter(p -> p.getFileName().toString().startsWith(".")).toList();
            assertEquals(List.of(), hidden);
        }
    }
}
