package dev.genloom.plugins.whisper;

import dev.genloom.api.SpeechToText;
import dev.genloom.api.Transcript;
import dev.genloom.api.media.Audio;
import dev.genloom.runtime.media.WavCodec;
import dev.genloom.plugins.whisper.features.LogMelSpectrogram;
import dev.genloom.cli.io.Values;
import dev.genloom.runtime.media.AudioFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same speech as a 16-bit 16 kHz WAV, a 44.1 kHz stereo float WAV and an MP3 gives the same
 * Whisper features, within what the codec loses.
 */
class AudioFormatsFeaturesTest {

    @TempDir
    Path dir;

    static final LogMelSpectrogram MEL = LogMelSpectrogram.whisper(80);

    /**
     * Mean, 99th percentile and worst absolute difference over the frames that carry audio, in the
     * mel bins under 7.4 kHz: a file at another rate passes the resampler, whose pass band ends at
     * 94 % of the 8-kHz Nyquist frequency.
     */
    static double[] difference(float[] a, float[] b, int contentFrames) {
        int frames = MEL.frames();
        int bins = 0;
        while (bins < MEL.mels() && MEL.filters().endBin(bins) * 16000.0 / 400 <= 7400) {
            bins++;
        }
        double[] d = new double[bins * (contentFrames - 4)];
        int n = 0;
        double sum = 0;
        for (int m = 0; m < bins; m++) {
            for (int t = 2; t < contentFrames - 2; t++) {
                d[n] = Math.abs(a[m * frames + t] - b[m * frames + t]);
                sum += d[n++];
            }
        }
        java.util.Arrays.sort(d);
        return new double[] {sum / n, d[(int) (n * 0.99)], d[n - 1]};
    }

    static float[] features(Audio a) {
        float[] s = a.monoAt(16000).samples();
        return MEL.compute(s, 0, s.length);
    }

    @Test
    void wavAndMp3OfTheSameSpeechGiveTheSameFeatures() {
        // speech: a real recording where the models folder is there, else the speech-like signal
        String models = System.getenv("GENLOOM_TEST_MODELS");
        Audio speech;
        if (models != null && !models.isBlank()) {
            Audio whole = WavCodec.read(Path.of(models, "silero-vad", "test.wav"));
            speech = Audio.mono(java.util.Arrays.copyOf(whole.monoAt(16000).samples(), 16000 * 8), 16000);
        } else {
            speech = Audio.mono(WhisperTestKitTest.babble(8, 4), 16000);
        }
        float[] s16 = speech.samples();
        Path wav16 = dir.resolve("speech-16k.wav");
        WavCodec.write(speech, wav16, WavCodec.Encoding.PCM_16);

        float[] up = speech.resample(44100).samples();
        float[] stereo = new float[up.length * 2];
        for (int i = 0; i < up.length; i++) {
            stereo[2 * i] = up[i];
            stereo[2 * i + 1] = up[i];
        }
        Audio stereo44 = new Audio(stereo, 44100, 2);
        Path wavFloat = dir.resolve("speech-44k-stereo-float.wav");
        WavCodec.write(stereo44, wavFloat, WavCodec.Encoding.FLOAT_32);
        Path mp3 = AudioFiles.encode(stereo44, dir.resolve("speech.mp3"));

        float[] reference = features(speech);
        int content = s16.length / MEL.hopLength();
        float[] a = features(Values.readAudio(wav16));
        float[] b = features(Values.readAudio(wavFloat));
        float[] c = features(Values.readAudio(mp3));
        double[] dA = difference(reference, a, content);
        double[] dB = difference(reference, b, content);
        double[] dC = difference(reference, c, content);
        // 16-bit quantisation alone; the resampling round trip (44.1 kHz and back) keeps the speech band
        assertTrue(dA[0] < 0.002 && dA[2] < 0.05, "16-bit WAV: mean " + dA[0] + ", worst " + dA[2]);
        assertTrue(dB[0] < 0.01 && dB[1] < 0.05, "44.1 kHz stereo float WAV: mean " + dB[0] + ", 99th percentile "
                + dB[1]);
        // MP3 at 192 kb/s drops what the ear misses (quiet cells near the floor move most)
        assertTrue(dC[0] < 0.03 && dC[1] < 0.15, "MP3: mean " + dC[0] + ", 99th percentile " + dC[1]);
        System.out.printf("feature differences (mean/p99/worst): wav16 %.5f/%.4f/%.4f, float44 stereo %.5f/%.4f/%.4f, "
                + "mp3 %.4f/%.3f/%.3f%n", dA[0], dA[1], dA[2], dB[0], dB[1], dB[2], dC[0], dC[1], dC[2]);
    }

    @Test
    void aTranscriptOfAnMp3EqualsTheWavsOnTheToyModel() {
        String models = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(models != null && !models.isBlank(), "GENLOOM_TEST_MODELS is not set: skipping");
        Path folder = Path.of(models, "toy-whisper-en");
        Audio clip = WavCodec.read(folder.resolve("heldout/held_00002.wav")); // " Three zero zero."
        Path mp3 = AudioFiles.encode(clip, dir.resolve("clip.mp3"));
        Path flac = AudioFiles.encode(clip, dir.resolve("clip.flac"));
        try (dev.genloom.runtime.Genloom g = dev.genloom.runtime.Genloom.builder().environment(Map.of())
                .device("cpu").threads(1).build()) {
            SpeechToText stt = g.model(folder.toString(), SpeechToText.class);
            Transcript fromWav = stt.transcribe(clip);
            assertEquals(fromWav.text(), stt.transcribe(Values.readAudio(flac)).text(), "FLAC is lossless");
            assertEquals(fromWav.text(), stt.transcribe(Values.readAudio(mp3)).text());
        }
    }
}
