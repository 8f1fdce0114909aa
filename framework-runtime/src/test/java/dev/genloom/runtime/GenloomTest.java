package dev.genloom.runtime;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageToText;
import dev.genloom.api.Model;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.TextEmbedder;
import dev.genloom.api.TextToAudio;
import dev.genloom.api.TextToText;
import dev.genloom.api.media.Audio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding API, used the way a product would: open, ask for modalities by model name, close. */
class GenloomTest {

    @TempDir
    Path tmp;

    private Genloom open() throws Exception {
        return Genloom.builder()
                .environment(Map.of())
                .pluginsDir(EchoFixtures.folder())
                .modelsDir(EchoFixtures.modelsWithEcho(tmp))
                .device("cpu")
                .threads(1)
                .build();
    }

    @Test
    void aNamedPluginsFolderThatIsNotThereIsAnErrorNotNoPlugins() throws Exception {
        Path missing = tmp.resolve("no-plugins-here");
        GenloomException env = assertThrows(GenloomException.class, () -> Genloom.builder()
                .environment(Map.of("GENLOOM_PLUGINS", missing.toString(), "GENLOOM_HOME", tmp.toString()))
                .classpathPlugins(false).build());
        assertEquals(ErrorKind.INVALID_INPUT, env.kind());
        assertTrue(env.getMessage().contains("plugins folder " + missing + " does not exist"), env.getMessage());
        assertTrue(env.describe().contains("named by GENLOOM_PLUGINS"), env.describe());

        GenloomException given = assertThrows(GenloomException.class, () -> Genloom.builder()
                .environment(Map.of("GENLOOM_HOME", tmp.toString())).pluginsDir(missing).build());
        assertTrue(given.describe().contains("named by pluginsDir"), given.describe());

        // nothing named: the default <home>/plugins may be absent, and there are simply no plugins
        try (Genloom genloom = Genloom.builder().environment(Map.of("GENLOOM_HOME", tmp.resolve("home").toString()))
                .classpathPlugins(false).build()) {
            assertEquals(0, genloom.plugins().size());
        }
    }

    @Test
    void aProductAsksForModalitiesByModelName() throws Exception {
        try (Genloom genloom = open()) {
            TextToText lm = genloom.textToText("echo-tiny");
            assertEquals("once upon a time", lm.generate("once upon a time").text());

            TextToAudio tts = genloom.textToAudio("echo-tiny");
            SpeechToText stt = genloom.speechToText("echo-tiny");
            Audio speech = tts.synthesize("hi there");
            assertEquals("hi there", stt.transcribe(speech).text());

            assertEquals("cpu", lm.info().device());
            assertEquals("echo", lm.info().family());
            assertEquals("echo", lm.info().plugin());
        }
    }

    @Test
    void oneFolderLoadsOnceAndIsShared() throws Exception {
        try (Genloom genloom = open()) {
            Model a = genloom.model("echo-tiny");
            TextToText b = genloom.textToText("echo-tiny");
            assertSame(a, b);
            // A caller closing its handle does not close the shared model.
            b.close();
            assertEquals("still here", genloom.textToText("echo-tiny").generate("still here").text());
            assertTrue(genloom.unload("echo-tiny"));
            Model c = genloom.model("echo-tiny");
            assertTrue(c != a, "unload then load gives a new model");
            assertTrue(c instanceof ImageToText && c instanceof TextEmbedder);
        }
    }

    @Test
    void loadOptionsReachThePlugin() throws Exception {
        try (Genloom genloom = open()) {
            TextToText failing = (TextToText) genloom.model("echo-tiny", null, Map.of("failOn", "boom"));
            GenloomException e = assertThrows(GenloomException.class, () -> failing.generate("say boom"));
            assertEquals(ErrorKind.RUN_FAILED, e.kind());
            // The same folder without options is another, working model.
            assertEquals("say boom", genloom.textToText("echo-tiny").generate("say boom").text());
        }
    }

    @Test
    void unknownModelsAndModalitiesAreClearErrors() throws Exception {
        try (Genloom genloom = open()) {
            GenloomException missing = assertThrows(GenloomException.class, () -> genloom.textToText("echo-tiyn"));
            assertEquals(ErrorKind.MODEL_NOT_FOUND, missing.kind());
            assertTrue(missing.getMessage().contains("echo-tiyn"), missing.getMessage());
        }
    }

    @Test
    void sessionsStartedAheadServeTheLoadThatFollows() throws Exception {
        try (Genloom genloom = open()) {
            genloom.startSessions();
            assertEquals("ahead", genloom.textToText("echo-tiny").generate("ahead").text());
            assertEquals("cpu", genloom.sessions().device());
        }
        // closed while the start may still be under way: nothing leaks out
        Genloom early = open();
        early.startSessions();
        early.close();
        assertThrows(IllegalStateException.class, early::startSessions);
    }

    @Test
    void closedRuntimeRefusesWork() throws Exception {
        Genloom genloom = open();
        TextToText lm = genloom.textToText("echo-tiny");
        genloom.close();
        assertThrows(IllegalStateException.class, () -> genloom.model("echo-tiny"));
        // the model's native session is closed with the runtime
        assertThrows(RuntimeException.class, () -> lm.generate("after close"));
    }

    @Test
    void aSharedModelServesManyThreadsAtOnce() throws Exception {
        try (Genloom genloom = open()) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        // every thread asks the runtime itself, so loading races too
                        TextToText lm = genloom.textToText("echo-tiny");
                        SpeechToText stt = genloom.speechToText("echo-tiny");
                        TextToAudio tts = genloom.textToAudio("echo-tiny");
                        for (int i = 0; i < 20; i++) {
                            String text = "thread " + thread + " call " + i;
                            if (!lm.generate(text).text().equals(text)
                                    || !stt.transcribe(tts.synthesize(text)).text().equals(text)) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                for (java.util.concurrent.Future<Boolean> r : results) {
                    assertTrue(r.get(60, java.util.concurrent.TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, genloom.loadedModels().size());
        }
    }

    /** A model folder the class path test family loads into a probe that hands back its context. */
    private static dev.genloom.spi.ModelContext contextOf(Genloom genloom, String model) {
        dev.genloom.runtime.plugins.ClasspathTestFamily.lastContext = null;
        genloom.model(model);
        return java.util.Objects.requireNonNull(dev.genloom.runtime.plugins.ClasspathTestFamily.lastContext);
    }

    @Test
    void aLoadingModelFindsItsCompanionInTheModelDirectoriesOrTheCache() throws Exception {
        Path models = java.nio.file.Files.createDirectories(tmp.resolve("models"));
        Path cache = java.nio.file.Files.createDirectories(tmp.resolve("cache"));
        java.nio.file.Files.createDirectories(models.resolve("probe"));
        java.nio.file.Files.writeString(models.resolve("probe/classpath-test.txt"), "");
        java.nio.file.Files.createDirectories(cache.resolve("silero-vad"));
        java.nio.file.Files.write(cache.resolve("silero-vad/silero_vad.onnx"), new byte[] {1});

        try (Genloom genloom = Genloom.builder().environment(Map.of("GENLOOM_CACHE", cache.toString()))
                .modelsDir(models).device("cpu").threads(1).build()) {
            dev.genloom.spi.ModelContext context = contextOf(genloom, "probe");

            java.util.Optional<dev.genloom.spi.ModelFolder> vad = context.companion("silero-vad");
            assertTrue(vad.isPresent(), "silero-vad in the cache, without config.json, is a companion");
            assertEquals(cache.resolve("silero-vad").toRealPath(), vad.get().path().toRealPath());
            assertTrue(vad.get().has("silero_vad.onnx"));
            assertTrue(context.companion("silero-vad-v9").isEmpty());

            // one in a model directory comes before the cache's
            java.nio.file.Files.createDirectories(models.resolve("silero-vad"));
            java.nio.file.Files.write(models.resolve("silero-vad/silero_vad.onnx"), new byte[] {2});
            assertEquals(models.resolve("silero-vad").toRealPath(),
                    context.companion("silero-vad").orElseThrow().path().toRealPath());
        }
    }

    @Test
    void aMissingCompanionIsEmpty() throws Exception {
        Path models = java.nio.file.Files.createDirectories(tmp.resolve("models"));
        Path cache = java.nio.file.Files.createDirectories(tmp.resolve("cache"));
        java.nio.file.Files.createDirectories(models.resolve("probe"));
        java.nio.file.Files.writeString(models.resolve("probe/classpath-test.txt"), "");

        try (Genloom genloom = Genloom.builder().environment(Map.of("GENLOOM_CACHE", cache.toString()))
                .modelsDir(models).device("cpu").threads(1).build()) {
            assertTrue(contextOf(genloom, "probe").companion("silero-vad").isEmpty());
        }
    }
}
