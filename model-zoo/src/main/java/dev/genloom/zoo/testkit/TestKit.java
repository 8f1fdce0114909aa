package dev.genloom.zoo.testkit;

import dev.genloom.zoo.testkit.lm.Gpt2Model;
import dev.genloom.zoo.testkit.lm.LlamaModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes every test-kit model folder. The build runs {@link #main} after compiling, leaving the
 * folders in {@code model-zoo/target/test-kit/}.
 */
public final class TestKit {

    /** Folder name of the echo model. */
    public static final String ECHO_TINY = "echo-tiny";
    /** Folder name of the tiny GPT-2 ({@link Gpt2Model#TINY}). */
    public static final String GPT2_TINY = "gpt2-tiny";
    /** Folder name of the tiny Llama ({@link LlamaModel#TINY}). */
    public static final String LLAMA_TINY = "llama-tiny";

    private TestKit() {
    }

    /** Writes every test-kit model folder under {@code dir} and returns the folders written. */
    public static List<Path> writeAll(Path dir) {
        List<Path> written = new ArrayList<>();
        written.add(EchoModel.write(dir.resolve(ECHO_TINY)));
        written.add(Gpt2Model.write(dir.resolve(GPT2_TINY), Gpt2Model.TINY));
        written.add(LlamaModel.write(dir.resolve(LLAMA_TINY), LlamaModel.TINY));
        return written;
    }

    /** {@code TestKit <output dir>}: writes every test-kit model folder under the given directory. */
    public static void main(String[] args) {
        if (args.length != 1 || args[0].isBlank()) {
            // no System.exit: the build runs this inside Maven's own JVM
            throw new IllegalArgumentException("usage: TestKit <output directory>");
        }
        Path dir = Path.of(args[0]);
        for (Path folder : writeAll(dir)) {
            System.out.println("test kit: wrote " + folder);
        }
    }
}
