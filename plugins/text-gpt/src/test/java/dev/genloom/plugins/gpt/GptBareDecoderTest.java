package dev.genloom.plugins.gpt;

import dev.genloom.api.Generation;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextOptions;
import dev.genloom.runtime.Genloom;
import dev.genloom.spi.BareDecoder;
import dev.genloom.spi.Tokenizer;
import dev.genloom.zoo.testkit.lm.DecoderExport.Variant;
import dev.genloom.zoo.testkit.lm.Gpt2Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The family's bare ONNX Runtime loop, the benchmark's baseline, through the host. */
class GptBareDecoderTest {

    @Test
    void theBareLoopDecodesWhatGreedyGenerationDecodes(@TempDir Path dir) {
        Path folder = Gpt2Model.write(dir.resolve("gpt2"), Gpt2Model.TINY, EnumSet.of(Variant.MODEL));
        String prompt = "the quick brown fox";
        try (Genloom genloom = Genloom.builder().environment(Map.of()).device("cpu").threads(1).build();
             BareDecoder bare = genloom.bareDecoder(folder.toString());
             Tokenizer tokenizer = genloom.tokenizers().load(folder.resolve("tokenizer.json"))) {
            Generation framework = genloom.textToText(folder.toString())
                    .generate(prompt, TextOptions.defaults().withDoSample(false).withMaxNewTokens(12).withMinNewTokens(12));
            BareDecoder.Decoded decoded = bare.decode(tokenizer.encode(prompt).ids(), 12);
            assertEquals(12, decoded.tokens().length);
            assertArrayEquals(framework.tokenIds(), decoded.tokens());
            assertTrue(decoded.stepsNanos() > 0 && decoded.millisPerStep() > 0, "timed " + decoded.stepsNanos());
        }
    }

    @Test
    void aMergedOnlyExportHasNoFileForTheLoop(@TempDir Path dir) {
        Path folder = Gpt2Model.write(dir.resolve("gpt2"), Gpt2Model.TINY, EnumSet.of(Variant.MERGED));
        try (Genloom genloom = Genloom.builder().environment(Map.of()).device("cpu").threads(1).build()) {
            GenloomException e = assertThrows(GenloomException.class, () -> genloom.bareDecoder(folder.toString()));
            assertTrue(e.getMessage().contains("onnx/model.onnx"), e.getMessage());
        }
    }
}
