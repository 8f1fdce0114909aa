package dev.genloom.runtime.session;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@link OrtSessions} needs to know about CUDA, behind an interface so that tests can play
 * a machine with a GPU whose CUDA provider fails to start.
 */
public interface CudaProbe {

    /** Whether the ONNX Runtime build on the class path has the CUDA provider (the {@code onnxruntime_gpu} artifact). */
    boolean providerBuilt();

    /** Whether an NVIDIA GPU and its driver seem to be present. */
    boolean gpuPresent();

    /**
     * Adds the CUDA execution provider for GPU {@code deviceId} to session options; throws where
     * it cannot start (a missing CUDA or cuDNN library, ...), with ONNX Runtime's message.
     */
    void addTo(OrtSession.SessionOptions options, int deviceId) throws Exception;

    /** The real thing: asks ONNX Runtime and the operating system. */
    static CudaProbe system() {
        return SystemCudaProbe.INSTANCE;
    }

    /** {@link CudaProbe#system()}. */
    final class SystemCudaProbe implements CudaProbe {
        static final SystemCudaProbe INSTANCE = new SystemCudaProbe();

        private SystemCudaProbe() {
        }

        @Override
        public boolean providerBuilt() {
            return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        }

        @Override
        public boolean gpuPresent() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (os.contains("win")) {
                return true; // no cheap check; adding the provider tells
            }
            if (os.contains("mac") || os.contains("darwin")) {
                return false;
            }
            return Files.exists(Path.of("/proc/driver/nvidia/version")) || Files.exists(Path.of("/dev/nvidia0"))
                    || Files.exists(Path.of("/dev/dxg")); // WSL 2
        }

        @Override
        public void addTo(OrtSession.SessionOptions options, int deviceId) throws Exception {
            options.addCUDA(deviceId);
        }
    }
}
