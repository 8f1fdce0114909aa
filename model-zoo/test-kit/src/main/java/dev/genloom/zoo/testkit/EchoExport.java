package dev.genloom.zoo.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.onnx.Tensor;
import java.nio.file.Path;
import java.util.List;

/**
 * The model folder of the reference "echo" plugin: a Transformers-style layout with
 * {@code config.json}, {@code tokenizer.json} and two dtype variants of one ONNX model,
 * {@code x -> y = x * factor} over a dynamic axis {@code n}:
 * <ul>
 *   <li>{@code onnx/model.onnx}: factor {@value #MODEL_FACTOR},</li>
 *   <li>{@code onnx/model_quantized.onnx}: factor {@value #QUANTIZED_FACTOR}, so that a test can
 *       tell which variant was loaded.</li>
 * </ul>
 * The tokenizer is a Hugging Face {@code WordLevel} tokenizer (lowercasing, whitespace
 * pre-tokenizer, no post-processor) over {@link #VOCABULARY}; unknown words map to {@code [UNK]}, id 0.
 */
public final class EchoExport {

    /** {@code model_type} in config.json. */
    public static final String MODEL_TYPE = "genloom-echo";
    public static final String INPUT = "x";
    public static final String OUTPUT = "y";
    public static final String AXIS = "n";
    public static final float MODEL_FACTOR = 1.0f;
    public static final float QUANTIZED_FACTOR = 2.0f;
    public static final String UNK = "[UNK]";

    /** The tokenizer's vocabulary; a token's id is its index. */
    public static final List<String> VOCABULARY = List.of(
            UNK, "hello", "world", "the", "a", "is", "of", "and", "to", "in",
            "it", "echo", "test", "model", "quick", "brown", "fox", "jumps", "over", "lazy",
            "dog", "cat", "sun", "moon", "red", "blue", "green", "one", "two", "three",
            "good");

    private EchoExport() {
    }

    /** Writes the echo model folder into {@code folder} (created if missing) and returns it. */
    public static Path write(Path folder) {
        Json.write(folder.resolve("config.json"), config());
        model(MODEL_FACTOR).write(folder.resolve("onnx").resolve("model.onnx"));
        model(QUANTIZED_FACTOR).write(folder.resolve("onnx").resolve("model_quantized.onnx"));
        Json.write(folder.resolve("tokenizer.json"), tokenizer());
        return folder;
    }

    /** The echo graph: float32 {@code x[n]} times {@code factor} gives float32 {@code y[n]}. */
    public static OnnxModel model(float factor) {
        Graph g = new Graph("genloom_echo");
        g.input(INPUT, ElementType.FLOAT, AXIS);
        g.initializer("factor", Tensor.floats(new float[] {factor}, 1));
        g.node("Mul", List.of(INPUT, "factor"), List.of(OUTPUT)).name("echo_mul");
        g.output(OUTPUT, ElementType.FLOAT, AXIS);
        return new OnnxModel(g).opset(17);
    }

    static ObjectNode config() {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("model_type", MODEL_TYPE);
        config.put("hidden_size", 1);
        return config;
    }

    static ObjectNode tokenizer() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode tok = f.objectNode();
        tok.put("version", "1.0");
        tok.putNull("truncation");
        tok.putNull("padding");
        ArrayNode added = tok.putArray("added_tokens");
        ObjectNode unk = added.addObject();
        unk.put("id", 0);
        unk.put("content", UNK);
        unk.put("single_word", false);
        unk.put("lstrip", false);
        unk.put("rstrip", false);
        unk.put("normalized", false);
        unk.put("special", true);
        tok.putObject("normalizer").put("type", "Lowercase");
        tok.putObject("pre_tokenizer").put("type", "Whitespace");
        tok.putNull("post_processor");
        tok.putNull("decoder");
        ObjectNode model = tok.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < VOCABULARY.size(); id++) {
            vocab.put(VOCABULARY.get(id), id);
        }
        model.put("unk_token", UNK);
        return tok;
    }
}
