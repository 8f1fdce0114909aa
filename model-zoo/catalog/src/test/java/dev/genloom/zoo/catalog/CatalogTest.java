package dev.genloom.zoo.catalog;

import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogTest {
    @TempDir
    Path tmp;

    @Test
    void theBundledCatalogLoadsAndHasTheWellKnownModels() {
        Catalog c = Catalog.load();
        for (String name : List.of("whisper-tiny", "whisper-tiny.en", "whisper-base", "whisper-base.en",
                "whisper-small", "whisper-small.en", "gpt2", "distilgpt2", "smollm2-135m-instruct",
                "clip-vit-base-patch32", "stable-diffusion-v1-5", "sd-turbo", "mms-tts-eng")) {
            assertTrue(c.find(name).isPresent(), name);
        }
        CatalogEntry w = c.find("Xenova/whisper-tiny.en").orElseThrow();
        assertEquals("whisper-tiny.en", w.name());
        assertEquals("speech-to-text", w.task());
        assertEquals("fp32", w.defaultDtype());
        assertTrue(w.files("quantized").stream().anyMatch(f -> f.path().equals("onnx/encoder_model_quantized.onnx")));
        assertTrue(w.files("fp32").stream().anyMatch(f -> f.path().equals("preprocessor_config.json")));
        assertEquals(c.find("xenova--gpt2"), c.find("gpt2"));
        // nothing invented: the bundled catalog states no sizes or checksums
        for (CatalogEntry e : c.entries()) {
            for (String d : e.dtypeNames()) {
                assertTrue(e.files(d).stream().allMatch(f -> f.sha256().isEmpty() && f.size().isEmpty()), e.name());
            }
        }
    }

    Catalog parse(String yaml) {
        return Catalog.parse("my.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    static final String GOOD = """
            models:
              - name: m
                task: text-to-text
                family: gpt2
                repository: a/b
                licence: mit
                files: [config.json]
                dtypes:
                  fp32:
                    - path: onnx/model.onnx
                      size: 10
                      sha256: %s
            """;

    @Test
    void aUserCatalogGivesSizesAndChecksums() throws IOException {
        Path f = tmp.resolve("c.yaml");
        Files.writeString(f, GOOD.formatted("AB".repeat(32)));
        CatalogEntry e = Catalog.load(f).find("m").orElseThrow();
        assertEquals("main", e.revision());
        assertTrue(e.totalSize("fp32").isEmpty());
        assertEquals("ab".repeat(32), e.files("fp32").get(1).sha256().orElseThrow());
        GenloomException bad = assertThrows(GenloomException.class, () -> e.files("fp16"));
        assertTrue(bad.getMessage().contains("has: fp32"), bad.getMessage());
    }

    @Test
    void errorsNameTheFileTheEntryAndTheKey() {
        String m = assertThrows(GenloomException.class, () -> parse(GOOD.formatted("xyz"))).getMessage();
        assertEquals("my.yaml: model m: key 'dtypes.fp32[0].sha256': expected 64 hexadecimal digits, found 'xyz'", m);

        m = assertThrows(GenloomException.class, () -> parse(GOOD.formatted("ab".repeat(32))
                .replace("task: text-to-text", "task: text-to-txt"))).getMessage();
        assertTrue(m.startsWith("my.yaml: model m: key 'task': unknown task 'text-to-txt' (did you mean 'text-to-text'?)"), m);

        m = assertThrows(GenloomException.class, () -> parse(GOOD.formatted("ab".repeat(32))
                .replace("licence: mit", "license: mit"))).getMessage();
        assertTrue(m.contains("model m: key 'license': unknown key (did you mean 'licence'?)"), m);

        m = assertThrows(GenloomException.class, () -> parse(GOOD.formatted("ab".repeat(32))
                .replace("[config.json]", "[../etc/passwd]"))).getMessage();
        assertTrue(m.contains("key 'files[0]': '../etc/passwd' is not a relative file path"), m);

        m = assertThrows(GenloomException.class, () -> parse(GOOD.formatted("ab".repeat(32))
                .replace("fp32:", "fp64:"))).getMessage();
        assertTrue(m.contains("key 'dtypes.fp64': unknown dtype"), m);

        m = assertThrows(GenloomException.class, () -> parse(GOOD.formatted("ab".repeat(32))
                .replace("    licence: mit\n", ""))).getMessage();
        assertEquals("my.yaml: model m: key 'licence': missing", m);

        m = assertThrows(GenloomException.class, () -> parse(GOOD.formatted("ab".repeat(32))
                + GOOD.formatted("ab".repeat(32)).replace("models:\n", ""))).getMessage();
        assertTrue(m.contains("the name is used twice"), m);
    }
}
