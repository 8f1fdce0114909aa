package dev.genloom.plugins.whisper;

import dev.genloom.api.SegmentListener;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.AudioStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

import static dev.genloom.zoo.testkit.whisper.WhisperExport.TINY;
import static dev.genloom.zoo.testkit.whisper.WhisperExport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A transcription read from a stream gives the transcript of the same sound in memory, holding one window. */
class StreamingTranscriptionTest {

    /** A stream of {@code seconds} of a sound, made as it is read (nothing of it in memory at once). */
    static final class Generated implements AudioStream {
        private final float[] loop;
        private final int rate;
        private final long total;
        long given;
        int largestRead;

        Generated(float[] loop, int rate, double seconds) {
            this.loop = loop;
            this.rate = rate;
            this.total = Math.round(seconds * rate);
        }

        @Override
        public int sampleRate() {
            return rate;
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public int read(float[] buffer, int frames) {
            int n = (int) Math.min(frames, total - given);
            if (n <= 0) {
                return -1;
            }
            for (int i = 0; i < n; i++) {
                buffer[i] = loop[(int) ((given + i) % loop.length)];
            }
            given += n;
            largestRead = Math.max(largestRead, n);
            return n;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aStreamGivesTheTranscriptOfTheSoundInMemory(@TempDir Path dir) {
        Path kit = write(dir.resolve("whisper-tiny-kit"), TINY);
        float[] babble = WhisperTestKitTest.babble(70, 9);
        try (WhisperModel model = Direct.open(kit, Map.of())) {
            TranscriptionOptions timed = TranscriptionOptions.defaults().withTimestamps(true);
            Transcript whole = model.transcribe(Audio.mono(babble, 16000), timed);
            Transcript streamed = model.transcribe(new Generated(babble, 16000, babble.length / 16000.0), timed,
                    SegmentListener.NONE);
            assertEquals(whole.text(), streamed.text());
            assertEquals(whole.segments(), streamed.segments());
            assertTrue(whole.timings().windows() >= 3, "several windows: " + whole.timings().windows());
            // and through the downmix: stereo read as a stream, as Audio.monoAt converts it
            Audio stereo = new Audio(interleave(babble), 16000, 2);
            assertEquals(whole.text(), model.transcribe(AudioStream.of(stereo), timed, SegmentListener.NONE).text());
        }
    }

    @Test
    void anHourOfAudioIsReadThroughOneWindow(@TempDir Path dir) {
        Path kit = write(dir.resolve("whisper-tiny-kit"), TINY);
        try (WhisperModel model = Direct.open(kit, Map.of())) {
            // an hour of near-silence with a click each 7 s: every window is looked at, most skipped as silent
            float[] loop = new float[16000 * 7];
            loop[100] = 0.001f;
            Generated hour = new Generated(loop, 16000, 3600);
            SampleWindow window = SampleWindow.of(hour);
            Transcriber.Outcome out = model.transcriber.transcribe(window, new Transcriber.Request("en", false, false, 1),
                    SegmentListener.NONE, DoubleUnaryOperator.identity());
            assertEquals(3600L * 16000, hour.given, "read to the end");
            assertTrue(window.ended());
            int windowSamples = 30 * 16000;
            assertTrue(window.array().length <= 2 * windowSamples, "held " + window.array().length
                    + " samples for an hour of audio: more than two windows");
            assertEquals("", out.text().trim());
        }
    }

    private static float[] interleave(float[] mono) {
        float[] out = new float[mono.length * 2];
        for (int i = 0; i < mono.length; i++) {
            out[2 * i] = mono[i];
            out[2 * i + 1] = mono[i];
        }
        return out;
    }
}
