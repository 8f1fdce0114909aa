package dev.genloom.cli;

import ai.djl.util.cuda.CudaUtils;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DJL's GPU probe warns on a machine with the CUDA runtime but no usable GPU ("Failed to detect
 * GPU count"); the CLI's logging keeps it out of the user's log, and its own warnings in. Run in
 * a JVM of its own, so that the logging is configured before any logger exists, as in
 * {@code genloom}.
 */
class QuietDjlLoggingTest {

    /** What a fresh {@code genloom} JVM's logging lets through: DJL's probe warning, and one of Genloom's. */
    public static void main(String[] args) {
        GenloomCli.configureLogging(args);
        LoggerFactory.getLogger(CudaUtils.class).warn("Failed to detect GPU count: CUDA driver version is "
                + "insufficient for CUDA runtime version (35)");
        LoggerFactory.getLogger("dev.genloom.runtime.Probe").warn("a warning of Genloom's own");
    }

    @Test
    void djlsGpuCountWarningDoesNotReachTheLogButGenloomsDo() throws IOException, InterruptedException {
        assertTrue(GenloomCli.QUIET_LOGGERS.contains(CudaUtils.class.getName()),
                "the logger is DJL's class, by its name: " + GenloomCli.QUIET_LOGGERS);
        Path err = Files.createTempFile("genloom-log", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), QuietDjlLoggingTest.class.getName());
            pb.environment().remove("JAVA_TOOL_OPTIONS"); // it would print a line of its own on stderr
            Process p = pb.redirectError(err.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
            assertEquals(0, p.exitValue());
            String log = Files.readString(err);
            assertTrue(log.contains("a warning of Genloom's own"), "the log works at all:\n" + log);
            assertFalse(log.contains("GPU count"), "DJL's GPU probe reached the log:\n" + log);
            List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, lines.size(), log);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
