package dev.genloom.plugins.whisper;

import dev.genloom.api.SpeechToText;
import dev.genloom.runtime.media.WavCodec;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;
import dev.genloom.runtime.Genloom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against the trained toy-whisper-en under {@code GENLOOM_TEST_MODELS}: every held-out clip's
 * transcript equals the reference output of an independent implementation on the same files.
 */
class WhisperReferenceTest {

    record Clip(String file, String truth, String reference) {
    }

    static Path folder;
    static List<Clip> clips;
    static Genloom genloom;

    @BeforeAll
    static void setUp() throws Exception {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the toy-whisper-en reference tests");
        folder = Path.of(dir).resolve("toy-whisper-en");
        Assumptions.assumeTrue(Files.isDirectory(folder), "no " + folder + ": skipping");
        clips = new ArrayList<>();
        List<String> lines = Files.readAllLines(folder.resolve("heldout/transcripts.tsv"), StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            clips.add(new Clip(f[0], f[1], f[2]));
        }
        genloom = Genloom.builder().environment(Map.of()).device("cpu").threads(1).build();
    }

    @AfterAll
    static void tearDown() {
        if (genloom != null) {
            genloom.close();
        }
    }

    @Test
    void everyHeldOutClipGivesTheReferenceOutput() {
        assertEquals(20, clips.size());
        SpeechToText stt = genloom.model(folder.toString(), SpeechToText.class);
        List<String> wrong = new ArrayList<>();
        int equalToTruth = 0;
        for (Clip c : clips) {
            Transcript t = stt.transcribe(WavCodec.read(folder.resolve("heldout").resolve(c.file())));
            if (!t.text().equals(c.reference())) {
                wrong.add(c.file() + ": got '" + t.text() + "', reference '" + c.reference() + "'");
            }
            if (t.text().equals(c.truth())) {
                equalToTruth++;
            }
            assertEquals("en", t.language());
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " clips differ from the reference:\n" + String.join("\n", wrong));
        assertEquals(15, equalToTruth, "the README says 15 of 20 references equal the true text");
    }

    @Test
    void theCachedAndUncachedDecodersAgreeOnRealWeights() {
        SpeechToText cached = genloom.model(folder.toString(), SpeechToText.class);
        SpeechToText full = (SpeechToText) genloom.model(folder.toString(), "whisper", Map.of("cache", false));
        for (Clip c : clips.subList(0, 4)) {
            Audio a = WavCodec.read(folder.resolve("heldout").resolve(c.file()));
            assertEquals(cached.transcribe(a).text(), full.transcribe(a).text(), c.file());
        }
    }

    @Test
    void silenceGivesNoWordsAndBeamsStillTranscribe() {
        SpeechToText stt = genloom.model(folder.toString(), SpeechToText.class);
        assertEquals("", stt.transcribe(Audio.mono(new float[16000 * 10], 16000)).text());
        Clip c = clips.get(1);
        Transcript beam = stt.transcribe(WavCodec.read(folder.resolve("heldout").resolve(c.file())),
                TranscriptionOptions.defaults().withBeams(4));
        assertEquals(c.truth(), beam.text(), "a clip greedy gets right is right with beams too");
    }

    @Test
    void oneModelServesConcurrentCallsAsItServesOneAtATime() throws Exception {
        SpeechToText stt = genloom.model(folder.toString(), SpeechToText.class);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> futures = new ArrayList<>();
            for (Clip c : clips) {
                Audio a = WavCodec.read(folder.resolve("heldout").resolve(c.file()));
                futures.add(pool.submit(() -> stt.transcribe(a, TranscriptionOptions.defaults().withBeams(2)).text()));
            }
            for (int i = 0; i < clips.size(); i++) {
                Audio a = WavCodec.read(folder.resolve("heldout").resolve(clips.get(i).file()));
                assertEquals(stt.transcribe(a, TranscriptionOptions.defaults().withBeams(2)).text(),
                        futures.get(i).get(), clips.get(i).file());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSpeechBenchmarkReportsItsPartsAndSaysWhyTheBareLoopIsSkipped() throws Exception {
        Path clip = folder.resolve("heldout").resolve(clips.get(1).file());
        String json = cli(0, "--json", "bench", "speech", "-m", folder.toString(), "--audio", clip.toString(),
                "--no-timestamps", "--repeats", "1")[0];
        com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertEquals(1, n.path("windows").asInt());
        assertTrue(n.path("tokens").asInt() >= 2, json);
        double parts = n.path("featureSeconds").asDouble() + n.path("encoderSeconds").asDouble()
                + n.path("decoderSeconds").asDouble();
        assertTrue(parts > 0 && parts <= n.path("wallSeconds").asDouble() * 1.05, json);
        assertTrue(n.path("bareDecoderMillisPerToken").isNull(), "toy-whisper-en has only the merged decoder: " + json);
    }

    static String[] cli(int expectedStatus, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "-q";
        System.arraycopy(args, 0, full, 1, args.length);
        int status = dev.genloom.cli.GenloomCli.execute(full, new java.io.PrintWriter(out),
                new java.io.PrintWriter(err));
        assertEquals(expectedStatus, status, err.toString());
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void theCliTranscribesSeveralFilesWithOneModelInEveryFormat() throws Exception {
        Path heldout = folder.resolve("heldout");
        Clip a = clips.get(1);
        Clip b = clips.get(2);
        // one file: txt is the transcript alone, so scripts can compare it
        String one = cli(0, "speech-to-text", "-m", folder.toString(), heldout.resolve(a.file()).toString())[0];
        assertEquals(a.reference().strip() + "\n", one);
        String two = cli(0, "speech-to-text", "-m", folder.toString(), heldout.resolve(a.file()).toString(),
                heldout.resolve(b.file()).toString())[0];
        assertEquals("==> " + heldout.resolve(a.file()) + " <==\n" + a.reference().strip() + "\n==> "
                + heldout.resolve(b.file()) + " <==\n" + b.reference().strip() + "\n", two);
        String srt = cli(0, "speech-to-text", "-m", folder.toString(), "--format", "srt",
                heldout.resolve(a.file()).toString())[0];
        // subtitles decode with timestamps, which this toy was never trained on: check the form only
        assertTrue(srt.matches("(?s)1\n00:00:0\\d,\\d{3} --> 00:00:0\\d,\\d{3}\n\\S.*\n\n"), srt);
        String vtt = cli(0, "speech-to-text", "-m", folder.toString(), "--format", "vtt",
                heldout.resolve(a.file()).toString())[0];
        assertTrue(vtt.startsWith("WEBVTT\n\n00:00:00.000 --> "), vtt);
        String json = cli(0, "speech-to-text", "-m", folder.toString(), "--format", "json",
                heldout.resolve(b.file()).toString())[0];
        com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertEquals(b.reference(), node.path("text").asText());
        assertEquals("en", node.path("language").asText());
        assertEquals(1, node.path("timings").path("windows").asInt());

        String[] refused = cli(2, "speech-to-text", "-m", folder.toString(), "--language", "fr",
                heldout.resolve(a.file()).toString());
        assertTrue(refused[1].contains("English-only"), refused[1]);
        Path notAudio = Files.createTempFile("not-audio", ".wav");
        try {
            Files.writeString(notAudio, "this is text, not sound");
            String[] bad = cli(2, "speech-to-text", "-m", folder.toString(), notAudio.toString());
            assertTrue(bad[1].contains(notAudio.getFileName().toString()), bad[1]);
        } finally {
            Files.deleteIfExists(notAudio);
        }
    }
}
