package dev.genloom.zoo.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OnnxModel#write} streams the initializers' data but writes the bytes of {@link OnnxModel#toBytes}. */
class StreamedWriteTest {

    @Test
    void streamedFileEqualsEncodedBytes(@TempDir Path dir) throws Exception {
        Graph g = new Graph("weights").docString("streamed");
        g.input("x", ElementType.FLOAT, "n", 300);
        float[] big = new float[300 * 200];
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.001f;
        }
        g.initializer("w", Tensor.floats(big, 300, 200));
        g.initializer("empty", Tensor.floats(new float[0], 0));
        g.initializer("half", Tensor.float16(new float[] {1f, 2f}, 2));
        g.initializer("names", Tensor.strings(new String[] {"a", "b"}));
        g.node("MatMul", List.of("x", "w"), List.of("y"));
        g.output("y", ElementType.FLOAT, "n", 200);
        OnnxModel m = new OnnxModel(g).opset(17).metadata("k", "v").docString("d");

        Path file = m.write(dir.resolve("m.onnx"));
        assertArrayEquals(m.toBytes(), Files.readAllBytes(file));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        assertArrayEquals(m.toBytes(), out.toByteArray());
    }
}
