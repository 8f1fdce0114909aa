package dev.genloom.runtime.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.genloom.runtime.store.Layouts.gpt2;
import static dev.genloom.runtime.store.Layouts.touch;
import static dev.genloom.runtime.store.Layouts.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalModelFolderTest {

    @TempDir
    Path tmp;

    @Test
    void filesAreRelativeSortedSlashSeparatedWithoutHiddenEntries() {
        Path dir = gpt2(tmp.resolve("gpt2"));
        touch(dir, ".gitattributes");
        touch(dir, ".cache/huggingface/download/onnx/model.onnx.metadata");
        touch(dir, "onnx/.model.onnx.lock");

        LocalModelFolder folder = new LocalModelFolder(dir);

        assertEquals(List.of("config.json", "generation_config.json",
                "onnx/decoder_model_merged_fp16.onnx", "onnx/model.onnx", "onnx/model_quantized.onnx",
                "tokenizer.json"), folder.files());
        assertSame(folder.files(), folder.files(), "the list is computed once");
    }

    @Test
    void filesStopAtFourLevels() {
        touch(tmp, "a/b/c/deep.txt");
        touch(tmp, "a/b/c/d/too-deep.txt");

        assertEquals(List.of("a/b/c/deep.txt"), new LocalModelFolder(tmp).files());
    }

    @Test
    void hasAndResolveStayInsideTheFolder() {
        Path dir = gpt2(tmp.resolve("m"));
        touch(tmp, "outside.json");
        LocalModelFolder folder = new LocalModelFolder(dir);

        assertTrue(folder.has("onnx/model.onnx"));
        assertTrue(folder.has("onnx/../config.json"));
        assertFalse(folder.has("onnx/missing.onnx"));
        assertFalse(folder.has("../outside.json"), "a file outside the folder is not the folder's");
        assertEquals(dir.resolve("onnx/model.onnx"), folder.resolve("onnx/model.onnx"));

        GenloomException up = assertThrows(GenloomException.class, () -> folder.resolve("../outside.json"));
        assertEquals(ErrorKind.INVALID_INPUT, up.kind());
        assertTrue(up.getMessage().contains("../outside.json"), up.getMessage());
        assertThrows(GenloomException.class, () -> folder.resolve(tmp.resolve("outside.json").toString()));
        assertThrows(GenloomException.class, () -> folder.json("../outside.json"));
    }

    @Test
    void configIsParsedOrEmpty() {
        LocalModelFolder withConfig = new LocalModelFolder(gpt2(tmp.resolve("gpt2")));
        assertEquals("gpt2", withConfig.config().path("model_type").asText());
        assertEquals("GPT2LMHeadModel", withConfig.config().path("architectures").get(0).asText());

        Path bare = tmp.resolve("bare");
        touch(bare, "model.onnx");
        JsonNode empty = new LocalModelFolder(bare).config();
        assertTrue(empty.isObject() && empty.isEmpty());
    }

    @Test
    void jsonIsParsedOnceAndSharedBetweenThreads() throws Exception {
        LocalModelFolder folder = new LocalModelFolder(gpt2(tmp.resolve("gpt2")));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                calls.add(() -> folder.json("generation_config.json").orElseThrow());
            }
            List<Future<JsonNode>> results = pool.invokeAll(calls);
            JsonNode first = results.get(0).get();
            assertEquals(50256, first.path("bos_token_id").asInt());
            for (Future<JsonNode> r : results) {
                assertSame(first, r.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertSame(folder.json("generation_config.json").orElseThrow(),
                folder.json("./generation_config.json").orElseThrow(), "one cache entry per file");
        assertEquals(Optional.empty(), folder.json("preprocessor_config.json"));
    }

    @Test
    void malformedJsonNamesFileLineAndColumn() {
        Path dir = tmp.resolve("broken");
        Path config = write(dir, "config.json", "{\n  \"model_type\": \"gpt2\",\n  \"n_layer\": 12,,\n}\n");
        LocalModelFolder folder = new LocalModelFolder(dir);

        GenloomException e = assertThrows(GenloomException.class, folder::config);

        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains(config.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line 3, column"), e.getMessage());
        // Failures are not cached: a fixed file is read on the next call.
        write(dir, "config.json", "{\"model_type\": \"gpt2\"}");
        assertEquals("gpt2", folder.config().path("model_type").asText());
    }

    @Test
    void emptyJsonFileIsReportedAsSuch() {
        Path dir = tmp.resolve("cut");
        Path config = write(dir, "config.json", "");
        GenloomException e = assertThrows(GenloomException.class, () -> new LocalModelFolder(dir).config());
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains(config + ": is empty"), e.getMessage());
    }

    @Test
    void manifestIsParsed() {
        Path dir = gpt2(tmp.resolve("m"));
        write(dir, "genloom-model.yaml", """
                # overrides
                family: gpt2
                name: Tiny GPT
                options:
                  dtype: fp16
                  max_length: 64
                """);
        LocalModelFolder folder = new LocalModelFolder(dir);

        assertEquals("gpt2", folder.manifest().path("family").asText());
        assertEquals(Optional.of("gpt2"), folder.manifestFamily());
        assertEquals(Optional.of("Tiny GPT"), folder.manifestName());
        assertEquals(64, folder.manifest().path("options").path("max_length").asInt());
        assertSame(folder.manifest(), folder.manifest());
    }

    @Test
    void missingOrCommentOnlyManifestIsEmpty() {
        Path dir = gpt2(tmp.resolve("m"));
        assertTrue(new LocalModelFolder(dir).manifest().isEmpty());
        write(dir, "genloom-model.yaml", "# nothing here yet\n");
        assertTrue(new LocalModelFolder(dir).manifest().isEmpty());
        assertEquals(Optional.empty(), new LocalModelFolder(dir).manifestFamily());
    }

    @Test
    void manifestWithUnknownKeyNamesFileKeyAndLine() {
        Path dir = gpt2(tmp.resolve("m"));
        Path manifest = write(dir, "genloom-model.yaml", "family: gpt2\nfamilly: whisper\n");

        GenloomException e = assertThrows(GenloomException.class, () -> new LocalModelFolder(dir).manifest());

        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains(manifest.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'familly'"), e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void manifestValuesOfTheWrongShapeAreRefused() {
        Path dir = gpt2(tmp.resolve("m"));
        write(dir, "genloom-model.yaml", "family: gpt2\noptions: fp16\n");
        GenloomException options = assertThrows(GenloomException.class, () -> new LocalModelFolder(dir).manifest());
        assertTrue(options.getMessage().contains("'options' must be a mapping"), options.getMessage());

        write(dir, "genloom-model.yaml", "- family: gpt2\n");
        GenloomException list = assertThrows(GenloomException.class, () -> new LocalModelFolder(dir).manifest());
        assertTrue(list.getMessage().contains("must be a mapping"), list.getMessage());
    }

    @Test
    void malformedYamlNamesFileAndLine() {
        Path dir = gpt2(tmp.resolve("m"));
        Path manifest = write(dir, "genloom-model.yaml", "family: gpt2\noptions:\n  dtype: [fp16\n");

        GenloomException e = assertThrows(GenloomException.class, () -> new LocalModelFolder(dir).manifest());

        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().startsWith(manifest + " line "), e.getMessage());
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
    }

    @Test
    void followsLinkedFilesLikeTheHubCacheSnapshots() throws Exception {
        Path blobs = tmp.resolve("blobs");
        Path blob = write(blobs, "abc123", "{\"model_type\": \"gpt2\"}");
        Path snapshot = tmp.resolve("snapshots/rev");
        Files.createDirectories(snapshot);
        Files.createSymbolicLink(snapshot.resolve("config.json"), blob);

        LocalModelFolder folder = new LocalModelFolder(snapshot);
        assertEquals(List.of("config.json"), folder.files());
        assertEquals("gpt2", folder.config().path("model_type").asText());
    }
}
