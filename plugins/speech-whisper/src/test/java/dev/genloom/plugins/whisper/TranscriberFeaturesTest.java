package dev.genloom.plugins.whisper;

import dev.genloom.api.SegmentListener;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

import static dev.genloom.zoo.testkit.whisper.WhisperExport.TINY;
import static dev.genloom.zoo.testkit.whisper.WhisperExport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long transcription computes each frame of the audio's features once (besides the three edge
 * frames of each window), and gives what the features computed window by window give.
 */
class TranscriberFeaturesTest {

    static final Transcriber.Request TIMED = new Transcriber.Request("en", false, true, 1);

    static Transcriber.Outcome transcribe(Transcriber t, float[] audio, boolean perWindow) {
        t.featuresPerWindow = perWindow;
        try {
            return t.transcribe(audio, TIMED, SegmentListener.NONE, DoubleUnaryOperator.identity());
        } finally {
            t.featuresPerWindow = false;
        }
    }

    /** Both ways on {@code audio}: the same transcript, and the frames computed once. */
    static void check(WhisperModel model, float[] audio, int minWindows) {
        Transcriber.Outcome once = transcribe(model.transcriber, audio, false);
        Transcriber.Outcome perWindow = transcribe(model.transcriber, audio, true);
        assertEquals(perWindow.text(), once.text());
        assertEquals(perWindow.segments(), once.segments());
        int windows = once.clock().windows;
        assertEquals(perWindow.clock().windows, windows);
        assertTrue(windows >= minWindows, "windows: " + windows);
        assertEquals(3000L * windows, perWindow.clock().featureFrames, "window by window: 3000 frames each");
        // the windows start at frames seek ≤ the audio's last frame, and reach 3000 frames on from it
        long audioFrames = (audio.length + 159) / 160;
        long bound = audioFrames + 3000 + 3L * windows;
        assertTrue(once.clock().featureFrames <= bound, once.clock().featureFrames + " frames computed for "
                + audioFrames + " frames of audio in " + windows + " windows; at most " + bound);
        assertTrue(once.clock().featureFrames < perWindow.clock().featureFrames, "the windows overlap");
    }

    @Test
    void theTestKitsWhisperComputesEachFrameOnceOverSeventySeconds(@TempDir Path dir) {
        Path kit = write(dir.resolve("whisper-tiny-kit"), TINY); // the test kit's WhisperModel
        try (WhisperModel model = Direct.open(kit, Map.of())) {
            check(model, WhisperTestKitTest.babble(70, 9), 3);
        }
    }

    @Test
    void theToyWhisperComputesEachFrameOnceOverAMinuteOfClips() throws Exception {
        String models = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(models != null && !models.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the toy-whisper-en feature frames test");
        Path folder = Path.of(models).resolve("toy-whisper-en");
        Assumptions.assumeTrue(Files.isDirectory(folder), "no " + folder + ": skipping");
        try (WhisperModel model = Direct.open(folder, Map.of())) {
            check(model, FeatureReuseBenchmark.clips(folder, 57), 3);
        }
    }
}
