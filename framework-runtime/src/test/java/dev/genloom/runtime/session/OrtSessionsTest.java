package dev.genloom.runtime.session;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.runtime.config.DeviceSpec;
import dev.genloom.runtime.config.Optimization;
import dev.genloom.spi.Dtype;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrtSessionsTest {

    private static final String CUBLAS_ERROR = "/onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1862 "
            + "onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : "
            + "Failed to load library libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: "
            + "cannot open shared object file: No such file or directory";

    @TempDir
    Path tmp;

    /** A machine with the GPU build and a GPU whose CUDA provider fails as given, or starts. */
    private static final class FakeCuda implements CudaProbe {
        final boolean built;
        final boolean gpu;
        final String failure;
        final AtomicInteger adds = new AtomicInteger();

        FakeCuda(boolean built, boolean gpu, String failure) {
            this.built = built;
            this.gpu = gpu;
            this.failure = failure;
        }

        @Override
        public boolean providerBuilt() {
            return built;
        }

        @Override
        public boolean gpuPresent() {
            return gpu;
        }

        @Override
        public void addTo(OrtSession.SessionOptions options, int deviceId) throws OrtException {
            adds.incrementAndGet();
            if (failure != null) {
                throw new OrtException(OrtException.OrtErrorCode.ORT_FAIL, failure);
            }
            // starts: nothing is added, so sessions still run on the CPU in this test
        }
    }

    private static OrtSessions sessions(String device, CudaProbe probe) {
        return new OrtSessions(OrtSessions.Settings.of(device, 0, 0, "all", "fp32"), probe);
    }

    private static float[] run(OrtSession session, Map<String, float[]> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OnnxTensor> tensors = new ArrayList<>();
        try {
            java.util.Map<String, OnnxTensor> feed = new java.util.HashMap<>();
            for (Map.Entry<String, float[]> e : inputs.entrySet()) {
                OnnxTensor t = OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(e.getValue()),
                        new long[] {e.getValue().length});
                tensors.add(t);
                feed.put(e.getKey(), t);
            }
            try (OrtSession.Result r = session.run(feed)) {
                return ((OnnxTensor) r.get(0)).getFloatBuffer().array();
            }
        } finally {
            tensors.forEach(OnnxTensor::close);
        }
    }

    // ------------------------------------------------------------------ devices

    @Test
    void autoFallsBackToCpuOnThisMachineAndSaysWhy() {
        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this test expects the CPU artifact of ONNX Runtime (the build was made with -Pcuda)");
        try (OrtSessions s = OrtSessions.create(OrtSessions.Settings.defaults())) {
            assertEquals("cpu", s.device());
            assertTrue(s.deviceReason().startsWith("device auto: using cpu (this ONNX Runtime build has no CUDA "
                    + "provider: the CPU artifact is on the class path"), s.deviceReason());
            assertTrue(s.deviceReason().contains("-Pcuda"), s.deviceReason());
        }
    }

    @Test
    void cudaRequestedWithTheCpuArtifactIsDeviceUnavailable() {
        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this test expects the CPU artifact of ONNX Runtime (the build was made with -Pcuda)");
        GenloomException e = assertThrows(GenloomException.class, () -> sessions("cuda", CudaProbe.system()));
        assertEquals(ErrorKind.DEVICE_UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("device cuda:0 is unavailable"), e.getMessage());
        assertTrue(e.getMessage().contains("no CUDA provider"), e.getMessage());
        assertTrue(e.hint().contains("-Pcuda") && e.hint().contains("--device cpu"), e.hint());
    }

    @Test
    void autoFallsBackToCpuWhenTheCudaProviderFailsToStart() {
        FakeCuda probe = new FakeCuda(true, true, CUBLAS_ERROR);
        try (OrtSessions s = sessions("auto", probe)) {
            assertEquals("cpu", s.device());
            assertEquals(1, probe.adds.get());
            assertTrue(s.deviceReason().startsWith("device auto: using cpu (the CUDA provider failed to start: "
                    + "libcublasLt.so.12 was not found"), s.deviceReason());
            assertTrue(s.deviceReason().contains("install CUDA 12 and cuDNN 9"), s.deviceReason());
        }
    }

    @Test
    void cudaRequestedButFailingNamesTheMissingLibraryAndTheWayOut() {
        GenloomException e = assertThrows(GenloomException.class,
                () -> sessions("cuda:1", new FakeCuda(true, true, CUBLAS_ERROR)));
        assertEquals(ErrorKind.DEVICE_UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().startsWith("device cuda:1 is unavailable: the CUDA provider failed to start: "
                + "libcublasLt.so.12 was not found"), e.getMessage());
        assertTrue(e.hint().contains("CUDA 12") && e.hint().contains("cuDNN 9") && e.hint().contains("--device cpu"),
                e.hint());
        assertTrue(e.getCause() instanceof OrtException);
    }

    @Test
    void autoWithoutAGpuUsesTheCpu() {
        FakeCuda probe = new FakeCuda(true, false, null);
        try (OrtSessions s = sessions("auto", probe)) {
            assertEquals("cpu", s.device());
            assertEquals(0, probe.adds.get());
            assertTrue(s.deviceReason().contains("no NVIDIA GPU"), s.deviceReason());
        }
    }

    @Test
    void autoUsesCudaWhenItStarts() throws Exception {
        FakeCuda probe = new FakeCuda(true, true, null);
        try (OrtSessions s = sessions("auto", probe)) {
            assertEquals("cuda:0", s.device());
            assertTrue(s.deviceReason().startsWith("device auto: using cuda:0"), s.deviceReason());
            int before = probe.adds.get();
            try (OrtSession session = s.open(TinyOnnx.writeAdd(tmp.resolve("add.onnx")))) {
                assertNotNull(session);
            }
            assertEquals(before + 1, probe.adds.get(), "the CUDA provider is added to every session's options");
        }
    }

    @Test
    void cpuNeverTouchesCuda() {
        FakeCuda probe = new FakeCuda(true, true, CUBLAS_ERROR);
        try (OrtSessions s = sessions("cpu", probe)) {
            assertEquals("cpu", s.device());
            assertEquals(0, probe.adds.get());
            assertEquals("device cpu: requested", s.deviceReason());
        }
    }

    @Test
    void missingLibraryIsReadFromLoaderMessages() {
        assertEquals(Optional.of("libcublasLt.so.12"), OrtSessions.missingLibrary(CUBLAS_ERROR));
        assertEquals(Optional.of("libcudnn.so.9"), OrtSessions.missingLibrary(
                "Failed to load library libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open "
                        + "shared object file: No such file or directory"));
        assertEquals(Optional.of("libcudnn_ops.so.9"), OrtSessions.missingLibrary(
                "Could not load library libcudnn_ops.so.9. Error: libcudnn_ops.so.9: cannot open shared object "
                        + "file"));
        assertEquals(Optional.empty(), OrtSessions.missingLibrary("CUDA failure 100: no CUDA-capable device"));
    }

    @Test
    void badSettingsAreInvalidInput() {
        GenloomException e = assertThrows(GenloomException.class,
                () -> OrtSessions.Settings.of("tpu", 0, 0, "all", "fp32"));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("tpu") && e.getMessage().contains("cuda:N"), e.getMessage());
        assertThrows(GenloomException.class, () -> OrtSessions.Settings.of("cpu", -1, 0, "all", "fp32"));
        assertThrows(GenloomException.class, () -> OrtSessions.Settings.of("cpu", 0, 0, "max", "fp32"));
        assertThrows(GenloomException.class, () -> OrtSessions.Settings.of("cpu", 0, 0, "all", "fp8"));
    }

    // ------------------------------------------------------------------ opening and running

    @Test
    void opensAndRunsAModel() throws Exception {
        Path model = TinyOnnx.writeAdd(tmp.resolve("add.onnx"));
        try (OrtSessions s = sessions("cpu", CudaProbe.system());
             OrtSession session = s.open(model)) {
            assertEquals(List.of("x", "y"), new ArrayList<>(session.getInputNames()));
            float[] z = run(session, Map.of("x", new float[] {1, 2, 3}, "y", new float[] {10, 20, 30}));
            assertArrayEquals(new float[] {11, 22, 33}, z);
        }
    }

    @Test
    void threadsAndOptimisationSettingsApply() throws Exception {
        Path model = TinyOnnx.writeAdd(tmp.resolve("add.onnx"));
        OrtSessions.Settings settings = new OrtSessions.Settings(DeviceSpec.CPU, 1, 2, Optimization.DISABLE, Dtype.FP32);
        try (OrtSessions s = new OrtSessions(settings, CudaProbe.system());
             OrtSession session = s.open(model)) {
            assertArrayEquals(new float[] {0.5f}, run(session, Map.of("x", new float[] {0.25f}, "y", new float[] {0.25f})));
        }
    }

    @Test
    void externalDataBesideTheModelIsFound() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("model/onnx"));
        Path model = TinyOnnx.writeAddExternal(dir.resolve("model.onnx"), new float[] {100, 200, 300, 400});
        assertTrue(Files.exists(dir.resolve("model.onnx_data")));
        try (OrtSessions s = sessions("cpu", CudaProbe.system());
             OrtSession session = s.open(model)) {
            assertArrayEquals(new float[] {101, 202, 303, 404}, run(session, Map.of("x", new float[] {1, 2, 3, 4})));
        }
    }

    @Test
    void missingExternalDataIsAnErrorNamingTheModel() throws Exception {
        Path model = TinyOnnx.writeAddExternal(tmp.resolve("model.onnx"), new float[] {1, 2, 3, 4});
        Files.delete(tmp.resolve("model.onnx_data"));
        try (OrtSessions s = sessions("cpu", CudaProbe.system())) {
            GenloomException e = assertThrows(GenloomException.class, () -> s.open(model));
            assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
            assertTrue(e.getMessage().contains(model.toString()), e.getMessage());
        }
    }

    @Test
    void aMissingModelIsInvalidInputNamingIt() {
        Path missing = tmp.resolve("nowhere/model.onnx");
        try (OrtSessions s = sessions("cpu", CudaProbe.system())) {
            GenloomException e = assertThrows(GenloomException.class, () -> s.open(missing));
            assertEquals(ErrorKind.INVALID_INPUT, e.kind());
            assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("not found"), e.getMessage());
        }
    }

    @Test
    void anEmptyModelIsSaidToBeEmptyBeforeOnnxRuntimeSeesIt() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.onnx"));
        try (OrtSessions s = sessions("cpu", CudaProbe.system())) {
            GenloomException e = assertThrows(GenloomException.class, () -> s.open(empty));
            assertEquals(ErrorKind.INVALID_INPUT, e.kind());
            assertTrue(e.getMessage().contains(empty + " is empty"), e.getMessage());
            assertFalse(e.describe().contains(".cc:"), e.describe());
            assertFalse(e.describe().contains("genloom fetch"), "a path is not fetched: " + e.describe());
        }
    }

    @Test
    void onnxRuntimesCppInternalsAreLeftOutOfTheMessage() {
        Path file = Path.of("/models/m/onnx/model.onnx");
        String ort = "Load model from /models/m/onnx/model.onnx failed:/onnxruntime_src/onnxruntime/core/graph/"
                + "model.cc:177 onnxruntime::Model::Model(onnx::ModelProto&&, const onnxruntime::PathString&, "
                + "const onnxruntime::IOnnxRuntimeOpSchemaRegistryList*, const onnxruntime::logging::Logger&, "
                + "const onnxruntime::ModelOptions&) ModelProto does not have a graph.";
        String said = OrtSessions.loadFailure(ort, file);
        assertEquals("it is not an ONNX model, or it is cut short (ONNX Runtime: ModelProto does not have a graph.)",
                said);
        assertEquals("Unsupported model IR version: 11, max supported IR version: 10",
                OrtSessions.loadFailure("Unsupported model IR version: 11, max supported IR version: 10", file));
    }

    @Test
    void aGarbageModelIsIncompatibleAndNamed() throws Exception {
        Path garbage = Files.writeString(tmp.resolve("garbage.onnx"), "this is not a protobuf, just text\n");
        try (OrtSessions s = sessions("cpu", CudaProbe.system())) {
            GenloomException e = assertThrows(GenloomException.class, () -> s.open(garbage));
            assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
            assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
            assertTrue(e.getCause() instanceof OrtException);
        }
    }

    @Test
    void sessionsOpenFromManyThreadsAtOnce() throws Exception {
        Path model = TinyOnnx.writeAdd(tmp.resolve("add.onnx"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (OrtSessions s = sessions("cpu", CudaProbe.system())) {
            List<Callable<float[]>> jobs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                float v = i;
                jobs.add(() -> {
                    try (OrtSession session = s.open(model)) {
                        return run(session, Map.of("x", new float[] {v}, "y", new float[] {1}));
                    }
                });
            }
            List<Future<float[]>> results = pool.invokeAll(jobs);
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(new float[] {i + 1}, results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedFactoryOpensNothing() throws Exception {
        Path model = TinyOnnx.writeAdd(tmp.resolve("add.onnx"));
        OrtSessions s = sessions("cpu", CudaProbe.system());
        s.close();
        assertThrows(IllegalStateException.class, () -> s.open(model));
    }

    // ------------------------------------------------------------------ variants

    private Path folder(String... names) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "variants");
        for (String n : names) {
            Files.createFile(dir.resolve(n));
        }
        return dir;
    }

    private static OrtSessions preferring(String dtype) {
        return new OrtSessions(OrtSessions.Settings.of("cpu", 0, 0, "all", dtype), CudaProbe.system());
    }

    @Test
    void variantPrefersTheConfiguredDtype() throws Exception {
        Path dir = folder("decoder_model_merged.onnx", "decoder_model_merged_fp16.onnx",
                "decoder_model_merged_quantized.onnx", "decoder_model.onnx_data");
        try (OrtSessions s = preferring("fp16")) {
            assertEquals(Optional.of(dir.resolve("decoder_model_merged_fp16.onnx")), s.variant(dir, "decoder_model_merged"));
        }
        try (OrtSessions s = preferring("quantized")) {
            assertEquals(Optional.of(dir.resolve("decoder_model_merged_quantized.onnx")),
                    s.variant(dir, "decoder_model_merged"));
        }
    }

    @Test
    void variantFallsBackToFp32ThenTheOthersInOrder() throws Exception {
        Path dir = folder("model.onnx", "model_q4.onnx", "model_int8.onnx");
        try (OrtSessions s = preferring("fp16")) {
            assertEquals(Optional.of(dir.resolve("model.onnx")), s.variant(dir, "model"));
        }
        Path noFp32 = folder("model_q4f16.onnx", "model_int8.onnx", "model_bnb4.onnx", "model_q4.onnx");
        try (OrtSessions s = preferring("fp16")) {
            assertEquals(Optional.of(noFp32.resolve("model_int8.onnx")), s.variant(noFp32, "model"));
        }
        try (OrtSessions s = preferring("q4f16")) {
            assertEquals(Optional.of(noFp32.resolve("model_q4f16.onnx")), s.variant(noFp32, "model"));
        }
    }

    @Test
    void variantDoesNotConfuseStems() throws Exception {
        Path dir = folder("decoder_model_merged_fp16.onnx", "encoder_model.onnx", "model.onnx");
        try (OrtSessions s = preferring("fp32")) {
            assertEquals(Optional.of(dir.resolve("decoder_model_merged_fp16.onnx")), s.variant(dir, "decoder_model_merged"));
            assertEquals(Optional.of(dir.resolve("encoder_model.onnx")), s.variant(dir, "encoder_model"));
            assertEquals(Optional.empty(), s.variant(dir, "decoder_model"));
            assertEquals(Optional.empty(), s.variant(tmp.resolve("no-such-folder"), "model"));
        }
    }

    @Test
    void dtypePreferenceListsThePreferredThenFp32ThenTheRest() {
        try (OrtSessions s = preferring("q4")) {
            assertEquals(List.of("q4", "fp32", "fp16", "quantized", "int8", "uint8", "q4f16", "bnb4", "bf16"),
                    s.dtypePreference());
        }
        try (OrtSessions s = preferring("fp32")) {
            assertEquals(List.of("fp32", "fp16", "quantized", "int8", "uint8", "q4", "q4f16", "bnb4", "bf16"),
                    s.dtypePreference());
        }
    }
}
