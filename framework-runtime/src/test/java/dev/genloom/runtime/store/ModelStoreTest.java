package dev.genloom.runtime.store;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.runtime.plugins.LoadedFamily;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.genloom.runtime.store.Layouts.diffusers;
import static dev.genloom.runtime.store.Layouts.gpt2;
import static dev.genloom.runtime.store.Layouts.touch;
import static dev.genloom.runtime.store.Layouts.whisper;
import static dev.genloom.runtime.store.Layouts.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelStoreTest {

    @TempDir
    Path tmp;

    Path models;
    Path cache;
    Path work;
    Path home;
    FakeFamily gpt2;
    FakeFamily whisper;
    FakeFamily diffusion;
    List<LoadedFamily> installed;

    @BeforeEach
    void setUp() throws Exception {
        models = Files.createDirectories(tmp.resolve("models"));
        cache = Files.createDirectories(tmp.resolve("cache"));
        work = Files.createDirectories(tmp.resolve("work"));
        home = Files.createDirectories(tmp.resolve("home"));
        gpt2 = FakeFamily.byModelType("gpt2", "gpt2");
        whisper = FakeFamily.byModelType("whisper", "whisper");
        diffusion = FakeFamily.diffusion();
        installed = new ArrayList<>(List.of(gpt2.in("text-gpt"), whisper.in("speech-whisper"),
                diffusion.in("image-diffusion")));
    }

    ModelStore store() {
        return new ModelStore(List.of(models, cache), () -> installed, work, home);
    }

    // --- finding the folder ----------------------------------------------------------------------

    @Test
    void resolvesAnAbsolutePathAndAsksTheFamilies() {
        Path dir = gpt2(tmp.resolve("elsewhere/distilgpt2"));

        ResolvedModel m = store().resolve(dir.toString());

        assertEquals(dir, m.folder().path());
        assertEquals("distilgpt2", m.name());
        assertEquals("gpt2", m.family().name());
        assertEquals("text-gpt", m.family().pluginId());
        assertEquals("config.json model_type gpt2", m.reason());
    }

    @Test
    void resolvesPathsRelativeToTheWorkingDirectoryAndHome() {
        Path local = whisper(work.resolve("exports/whisper-tiny"));
        Path inHome = diffusers(home.resolve("sd/tiny-sd"));
        ModelStore store = store();

        assertEquals(local, store.resolve("exports/whisper-tiny").folder().path());
        assertEquals(local, store.resolve("./exports/whisper-tiny/").folder().path());
        ResolvedModel sd = store.resolve("~/sd/tiny-sd");
        assertEquals(inHome, sd.folder().path());
        assertEquals("stable-diffusion", sd.family().name());
    }

    @Test
    void anExistingPathWinsOverAModelOfTheSameName() {
        Path inWork = whisper(work.resolve("tiny"));
        gpt2(models.resolve("tiny"));

        assertEquals(inWork, store().resolve("tiny").folder().path());
    }

    @Test
    void resolvesNamesAcrossModelDirectoriesFirstWins() {
        Path first = gpt2(models.resolve("gpt2"));
        gpt2(cache.resolve("gpt2"));
        Path onlyCached = whisper(cache.resolve("whisper-tiny"));
        ModelStore store = store();

        ResolvedModel m = store.resolve("gpt2");
        assertEquals(first, m.folder().path());
        assertEquals("gpt2", m.name());
        assertEquals(onlyCached, store.resolve("whisper-tiny").folder().path());
    }

    @Test
    void aFolderThatIsNotAModelDoesNotHideOneInALaterDirectory() throws Exception {
        Files.createDirectories(models.resolve("gpt2")); // an empty, failed download
        Path cached = gpt2(cache.resolve("gpt2"));

        assertEquals(cached, store().resolve("gpt2").folder().path());
    }

    @Test
    void resolvesOrgSlashRepoInBothSpellings() {
        Path nested = whisper(models.resolve("openai/whisper-tiny"));
        Path hub = whisper(cache.resolve("openai--whisper-base"));
        ModelStore store = store();

        ResolvedModel tiny = store.resolve("openai/whisper-tiny");
        assertEquals(nested, tiny.folder().path());
        assertEquals("openai/whisper-tiny", tiny.name());
        assertEquals("whisper", tiny.family().name());
        assertEquals(hub, store.resolve("openai/whisper-base").folder().path());
        assertEquals(hub, store.resolve("openai--whisper-base").folder().path());
        assertEquals(nested, store.resolve("openai--whisper-tiny").folder().path());
    }

    @Test
    void notFoundListsTheDirectoriesAndSuggestsAName() {
        whisper(models.resolve("openai/whisper-tiny"));
        gpt2(cache.resolve("distilgpt2"));
        ModelStore store = new ModelStore(List.of(models, cache, tmp.resolve("gone")), () -> installed, work, home);

        GenloomException e = assertThrows(GenloomException.class, () -> store.resolve("openai/whisper-tiyn"));

        assertEquals(ErrorKind.MODEL_NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains(models.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(cache.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("gone") + " (missing)"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'openai/whisper-tiny'?"), e.getMessage());
        assertTrue(e.hint().contains("genloom models"), e.hint());
        assertTrue(e.hint().contains("genloom fetch openai/whisper-tiyn"), e.hint());

        GenloomException byRepo = assertThrows(GenloomException.class, () -> store.resolve("whisper-tiny"));
        assertTrue(byRepo.getMessage().contains("did you mean 'openai/whisper-tiny'?"), byRepo.getMessage());

        GenloomException nothingClose = assertThrows(GenloomException.class, () -> store.resolve("llama-3-8b"));
        assertFalse(nothingClose.getMessage().contains("did you mean"), nothingClose.getMessage());
    }

    @Test
    void aPathIsNeverOfferedToFetch() {
        GenloomException e = assertThrows(GenloomException.class, () -> store().resolve("./no-such-folder"));
        assertEquals(ErrorKind.MODEL_NOT_FOUND, e.kind());
        assertFalse(e.hint().contains("genloom fetch"), e.hint());
        GenloomException abs = assertThrows(GenloomException.class,
                () -> store().resolve(tmp.resolve("nowhere").toString()));
        assertFalse(abs.hint().contains("genloom fetch"), abs.hint());
    }

    @Test
    void aSymbolicLinkLoopIsCalledALoop() throws Exception {
        Path loop = Files.createSymbolicLink(work.resolve("looped"), Path.of("looped"));
        GenloomException byPath = assertThrows(GenloomException.class, () -> store().resolve("./looped"));
        assertEquals(ErrorKind.INVALID_INPUT, byPath.kind());
        assertTrue(byPath.getMessage().contains("symbolic link loop at " + loop), byPath.getMessage());

        Path inModels = Files.createSymbolicLink(models.resolve("circle"), models.resolve("circle"));
        gpt2(models.resolve("gpt2"));
        GenloomException byName = assertThrows(GenloomException.class, () -> store().resolve("circle"));
        assertTrue(byName.getMessage().contains("symbolic link loop at " + inModels), byName.getMessage());
        // the listing leaves it out and lists the others
        assertEquals(List.of("gpt2"), store().list().stream().map(ModelListing::name).toList());

        Path loopedDir = Files.createSymbolicLink(tmp.resolve("looped-models"), Path.of("looped-models"));
        GenloomException named = assertThrows(GenloomException.class,
                () -> new ModelStore(List.of(loopedDir), () -> installed, work, home).resolve("gpt2"));
        assertTrue(named.getMessage().contains(loopedDir + " (a symbolic link loop)"), named.getMessage());
    }

    @Test
    void namesCannotEscapeTheModelDirectories() {
        gpt2(tmp.resolve("secret"));
        GenloomException e = assertThrows(GenloomException.class,
                () -> new ModelStore(List.of(models), () -> installed, tmp.resolve("a/b"), home)
                        .resolve("../secret"));
        assertEquals(ErrorKind.MODEL_NOT_FOUND, e.kind());
    }

    @Test
    void aFileIsNotAModelFolder() {
        Path dir = gpt2(models.resolve("gpt2"));
        GenloomException e = assertThrows(GenloomException.class,
                () -> store().resolve(dir.resolve("onnx/model.onnx").toString()));
        assertEquals(ErrorKind.MODEL_NOT_FOUND, e.kind());
        assertTrue(e.hint().contains(dir.resolve("onnx").toString()), e.hint());
    }

    // --- choosing the family ---------------------------------------------------------------------

    @Test
    void anExplicitFamilyIsUsedWithoutAskingAnyFamily() {
        Path dir = gpt2(models.resolve("gpt2"));

        ResolvedModel m = store().resolve("gpt2", "whisper");

        assertEquals("whisper", m.family().name());
        assertEquals("speech-whisper", m.family().pluginId());
        assertTrue(m.reason().contains("named by the caller"), m.reason());
        assertEquals(dir, m.folder().path());
        assertEquals(0, gpt2.asked.get() + whisper.asked.get() + diffusion.asked.get());
    }

    @Test
    void theManifestFamilyAndNameApply() {
        Path dir = gpt2(models.resolve("custom"));
        Path manifest = write(dir, "genloom-model.yaml",
                "family: whisper\nname: My Whisper\noptions:\n  language: de\n  beams: 4\n");

        ResolvedModel m = store().resolve("custom");

        assertEquals("whisper", m.family().name());
        assertEquals("My Whisper", m.name());
        assertTrue(m.reason().contains(manifest.toString()), m.reason());
        assertEquals(Map.of("language", "de", "beams", 4), m.options());
        assertEquals(0, gpt2.asked.get() + whisper.asked.get());
        // The caller's family beats the manifest's.
        assertEquals("gpt2", store().resolve("custom", "gpt2").family().name());
    }

    @Test
    void anUnknownExplicitFamilyListsTheInstalledOnes() {
        gpt2(models.resolve("gpt2"));

        GenloomException e = assertThrows(GenloomException.class, () -> store().resolve("gpt2", "gpt-2"));

        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("'gpt-2'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'gpt2'?"), e.getMessage());
        assertTrue(e.getMessage().contains("gpt2 (plugin text-gpt), whisper (plugin speech-whisper), "
                + "stable-diffusion (plugin image-diffusion)"), e.getMessage());
    }

    @Test
    void anUnknownManifestFamilyNamesTheFile() {
        Path dir = gpt2(models.resolve("gpt2"));
        Path manifest = write(dir, "genloom-model.yaml", "family: wisper\n");

        GenloomException e = assertThrows(GenloomException.class, () -> store().resolve("gpt2"));

        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains(manifest.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'whisper'?"), e.getMessage());
    }

    @Test
    void noFamilyDescribesTheFolder() {
        Path dir = models.resolve("t5-small");
        write(dir, "config.json", "{\"model_type\": \"t5\", \"architectures\": [\"T5ForConditionalGeneration\"]}");
        touch(dir, "onnx/encoder_model.onnx");
        touch(dir, "onnx/decoder_model_merged_q4.onnx");

        GenloomException e = assertThrows(GenloomException.class, () -> store().resolve("t5-small"));

        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        String msg = e.getMessage();
        assertTrue(msg.startsWith("no installed plugin recognises " + dir), msg);
        assertTrue(msg.contains("model_type 't5'"), msg);
        assertTrue(msg.contains("T5ForConditionalGeneration"), msg);
        assertTrue(msg.contains("onnx/decoder_model_merged_q4.onnx, onnx/encoder_model.onnx"), msg);
        assertTrue(msg.contains("installed families: gpt2 (plugin text-gpt)"), msg);
        assertTrue(e.hint().contains("family: NAME"), e.hint());
    }

    @Test
    void twoClaimantsAreAmbiguousAndBothAreNamed() {
        gpt2(models.resolve("gpt2"));
        installed.add(FakeFamily.byModelType("gpt2-fast", "gpt2").in("text-gpt-fast"));

        GenloomException e = assertThrows(GenloomException.class, () -> store().resolve("gpt2"));

        assertEquals(ErrorKind.AMBIGUOUS_MODEL, e.kind());
        String msg = e.getMessage();
        assertTrue(msg.contains("gpt2 (plugin text-gpt: config.json model_type gpt2)"), msg);
        assertTrue(msg.contains("gpt2-fast (plugin text-gpt-fast: config.json model_type gpt2)"), msg);
        assertTrue(e.hint().contains("--family gpt2"), e.hint());
        assertTrue(e.hint().contains("family: gpt2"), e.hint());
        assertTrue(e.hint().contains("genloom-model.yaml"), e.hint());
        // Naming one settles it.
        assertEquals("text-gpt-fast", store().resolve("gpt2", "gpt2-fast").family().pluginId());
    }

    @Test
    void aThrowingRecognizeCountsAsNotRecognising() {
        whisper(models.resolve("whisper-tiny"));
        FakeFamily broken = new FakeFamily("broken", f -> {
            throw new IllegalStateException("bug in plugin");
        });
        installed.add(0, broken.in("buggy"));
        ModelStore store = store();

        ResolvedModel m = store.resolve("whisper-tiny");
        assertEquals("whisper", m.family().name());
        assertEquals("whisper", store.resolve("whisper-tiny").family().name());
        assertEquals(2, broken.asked.get());

        installed.removeIf(lf -> lf.family() != broken);
        GenloomException e = assertThrows(GenloomException.class, () -> store.resolve("whisper-tiny"));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains("broken (plugin buggy) failed"), e.getMessage());
        assertTrue(e.getMessage().contains("bug in plugin"), e.getMessage());
    }

    @Test
    void aThrowingRecognizeIsLoggedOncePerFolder() {
        whisper(models.resolve("whisper-tiny"));
        installed.add(new FakeFamily("broken", f -> {
            throw new IllegalStateException("bug in plugin");
        }).in("buggy"));
        ModelStore store = store();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            store.resolve("whisper-tiny");
            store.resolve("whisper-tiny");
            store.list();
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, log.split("WARN", -1).length - 1, log);
        assertTrue(log.contains("Family broken of plugin buggy failed"), log);
    }

    @Test
    void aManifestWithAnUnknownKeyIsRefused() {
        Path dir = gpt2(models.resolve("gpt2"));
        Path manifest = write(dir, "genloom-model.yaml", "family: gpt2\ndevice: cuda\n");

        GenloomException e = assertThrows(GenloomException.class, () -> store().resolve("gpt2"));

        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains(manifest.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key 'device'"), e.getMessage());
    }

    @Test
    void aMalformedConfigIsReportedAsItselfWithItsLine() {
        Path dir = models.resolve("gpt2");
        Path config = write(dir, "config.json", "{\n  \"model_type\": \"gpt2\"\n  \"n_layer\": 12\n}\n");
        touch(dir, "onnx/model.onnx");

        GenloomException e = assertThrows(GenloomException.class, () -> store().resolve("gpt2"));

        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().startsWith(config + " line 3, column "), e.getMessage());
    }

    @Test
    void foldersAreSharedPerPath() {
        gpt2(models.resolve("gpt2"));
        ModelStore store = store();
        LocalModelFolder a = store.resolve("gpt2").folder();

        assertSame(a, store.resolve(models.resolve("gpt2").toString()).folder());
        assertSame(a, store.folder(models.resolve("gpt2/onnx/..")));
        store.forget();
        assertFalse(a == store.folder(models.resolve("gpt2")));
    }

    // --- listing ---------------------------------------------------------------------------------

    @Test
    void listsEveryModelFolderWithWhatLoadsIt() {
        gpt2(models.resolve("gpt2"));
        whisper(models.resolve("openai/whisper-tiny"));
        diffusers(models.resolve("tiny-sd"));
        whisper(models.resolve("openai--whisper-base"));
        write(models.resolve("broken"), "config.json", "{\"model_type\": ");
        write(models.resolve("t5"), "config.json", "{\"model_type\": \"t5\"}");
        touch(models.resolve("t5"), "onnx/encoder_model.onnx");
        write(models.resolve("docs"), "README.md", "not a model");
        touch(models.resolve(".locks"), "config.json");
        gpt2(cache.resolve("gpt2"));
        gpt2(cache.resolve("distilbert/distilgpt2"));
        installed.add(FakeFamily.byModelType("whisper-ct", "whisper").in("speech-ct"));

        List<ModelListing> listing = store().list();
        Map<String, ModelListing> first = listing.stream()
                .collect(Collectors.toMap(ModelListing::name, Function.identity(), (a, b) -> a));

        assertEquals(List.of("broken", "gpt2", "openai/whisper-tiny", "openai--whisper-base", "t5", "tiny-sd",
                        "distilbert/distilgpt2", "gpt2"),
                listing.stream().map(ModelListing::name).toList(),
                "model folders only, in directory order then by name; no sub-folders of models");
        assertTrue(listing.stream().noneMatch(l -> l.path().startsWith(models.resolve("tiny-sd/unet"))));

        ModelListing gpt = first.get("gpt2");
        assertEquals(ModelListing.Status.RESOLVED, gpt.status());
        assertEquals("text-gpt", gpt.family().pluginId());
        assertEquals(models.resolve("gpt2"), gpt.path());
        assertEquals(models, gpt.modelDir());
        assertFalse(gpt.shadowed());
        ModelListing shadowed = listing.get(7);
        assertEquals(cache.resolve("gpt2"), shadowed.path());
        assertTrue(shadowed.shadowed());

        assertEquals("stable-diffusion", first.get("tiny-sd").family().name());
        assertEquals("gpt2", first.get("distilbert/distilgpt2").family().name());

        ModelListing ambiguous = first.get("openai/whisper-tiny");
        assertEquals(ModelListing.Status.AMBIGUOUS, ambiguous.status());
        assertNull(ambiguous.family());
        assertEquals(List.of("whisper", "whisper-ct"),
                ambiguous.claimants().stream().map(Claimant::family).toList());
        assertEquals(List.of("speech-whisper", "speech-ct"),
                ambiguous.claimants().stream().map(Claimant::pluginId).toList());

        ModelListing broken = first.get("broken");
        assertEquals(ModelListing.Status.BROKEN, broken.status());
        assertTrue(broken.detail().contains(models.resolve("broken/config.json").toString()), broken.detail());

        ModelListing t5 = first.get("t5");
        assertEquals(ModelListing.Status.NO_FAMILY, t5.status());
        assertTrue(t5.detail().contains("model_type 't5'"), t5.detail());
    }

    @Test
    void listingSurvivesAFamilyThatThrowsAndMissingDirectories() {
        gpt2(models.resolve("gpt2"));
        installed.add(0, new FakeFamily("boom", f -> {
            throw new LinkageError("missing class");
        }).in("boom-plugin"));
        ModelStore store = new ModelStore(List.of(tmp.resolve("missing"), models), () -> installed, work, home);

        List<ModelListing> listing = store.list();

        assertEquals(1, listing.size());
        assertEquals(ModelListing.Status.RESOLVED, listing.get(0).status());
        assertEquals(Optional.of("gpt2"), listing.get(0).resolvedFamily().map(LoadedFamily::name));
    }

    @Test
    void aModelFolderIsRecognisedByItsMarkers() {
        assertTrue(ModelStore.looksLikeModel(gpt2(tmp.resolve("a"))));
        assertTrue(ModelStore.looksLikeModel(whisper(tmp.resolve("b"))));
        assertTrue(ModelStore.looksLikeModel(Layouts.touch(tmp, "c/unet/model.onnx").getParent().getParent()));
        assertTrue(ModelStore.looksLikeModel(Layouts.write(tmp, "d/genloom-model.yaml", "family: x\n").getParent()));
        assertFalse(ModelStore.looksLikeModel(Layouts.touch(tmp, "org/repo/model.onnx").getParent().getParent()));
        assertFalse(ModelStore.looksLikeModel(tmp.resolve("nothing")));
        assertNotNull(store().modelDirs());
    }

    @Test
    void companionsAreFoundByNameWithoutConfigJson() {
        // silero-vad as distributed: one .onnx file and a sample, no config.json
        touch(cache, "silero-vad/silero_vad.onnx");
        touch(cache, "silero-vad/test.wav");
        ModelStore store = store();

        Optional<LocalModelFolder> vad = store.companion("silero-vad");

        assertTrue(vad.isPresent());
        assertEquals(cache.resolve("silero-vad"), vad.get().path());
        assertTrue(vad.get().has("silero_vad.onnx"));
        assertEquals("{}", vad.get().config().toString());
        assertTrue(store.companion("other-vad").isEmpty());
    }

    @Test
    void companionsFollowTheModelDirectoryOrderAndOrgSpellings() {
        touch(models, "silero-vad/silero_vad.onnx");
        touch(cache, "silero-vad/silero_vad.onnx");
        touch(cache, "snakers4--silero-vad/silero_vad.onnx");
        ModelStore store = store();

        assertEquals(models.resolve("silero-vad"), store.companion("silero-vad").orElseThrow().path());
        assertEquals(cache.resolve("snakers4--silero-vad"),
                store.companion("snakers4/silero-vad").orElseThrow().path());
        // a catalog name answers the repository it was fetched from
        store.aliases(n -> n.equals("vad") ? Optional.of("snakers4/silero-vad") : Optional.empty());
        assertEquals(cache.resolve("snakers4--silero-vad"), store.companion("vad").orElseThrow().path());
    }

    @Test
    void companionsAreNotLookedForInTheWorkingDirectoryAndPathsAreRefused() {
        touch(work, "silero-vad/silero_vad.onnx");
        touch(models, "x/silero_vad.onnx");
        ModelStore store = store();

        assertTrue(store.companion("silero-vad").isEmpty(), "the working directory is not a model directory");
        for (String bad : List.of("../work/silero-vad", models.resolve("x").toString(), "~/x", " ")) {
            GenloomException e = assertThrows(GenloomException.class, () -> store.companion(bad), bad);
            assertEquals(ErrorKind.INVALID_INPUT, e.kind(), bad);
        }
    }
}
