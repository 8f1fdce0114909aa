package dev.genloom.cli.bench;

import dev.genloom.runtime.tokenizer.DjlTokenizers;
import dev.genloom.spi.Tokenizer;
import dev.genloom.zoo.testkit.lm.Gpt2Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextGenerationBenchTest {

    @Test
    void promptsHaveExactlyTheAskedNumberOfTokens(@TempDir Path dir) {
        Path folder = Gpt2Model.write(dir.resolve("gpt2"), Gpt2Model.TINY,
                java.util.EnumSet.of(dev.genloom.zoo.testkit.lm.DecoderExport.Variant.MODEL));
        try (Tokenizer tokenizer = new DjlTokenizers().load(folder.resolve("tokenizer.json"))) {
            for (int n : new int[] {1, 7, 64, 128, 500}) {
                assertEquals(n, tokenizer.encode(TextGenerationBench.prompt(tokenizer, n), false).size(), "n = " + n);
            }
        }
    }
}
