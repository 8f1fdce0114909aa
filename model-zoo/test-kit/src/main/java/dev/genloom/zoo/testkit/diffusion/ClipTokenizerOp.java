package dev.genloom.zoo.testkit.diffusion;

import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A CLIP tokenizer as a one-node ONNX graph of onnxruntime-extensions' custom operator
 * {@code ai.onnx.contrib.CLIPTokenizer}, the form in which some Java and C# Stable Diffusion pipelines
 * (SD4J's {@code text_tokenizer/custom_op_cliptok.onnx}) tokenise prompts. The operator takes the
 * tokenizer's files as string attributes: {@code vocab} (the text of {@code vocab.json}) and
 * {@code merges} (the text of {@code merges.txt}); {@code padding_length} is left out (-1: no padding,
 * the caller pads).
 *
 * <pre>
 * string_input tensor(string) [batch]  ->  input_ids int64 [batch, tokens], attention_mask int64 [batch, tokens]
 * </pre>
 *
 * The ids are bos, the BPE tokens of the lowercased text and eos. Loading the model needs the
 * extensions library registered as a custom-op library ({@code libortextensions.so}, or the
 * {@code onnxruntime-extensions} Maven artifact's {@code libonnxruntime_extensions4j_jni.so}, which
 * exports the same {@code RegisterCustomOps}).
 */
public final class ClipTokenizerOp {

    /** The operator's domain. */
    public static final String DOMAIN = "ai.onnx.contrib";
    /** The operator. */
    public static final String OP = "CLIPTokenizer";
    /** The graph's input. */
    public static final String INPUT = "string_input";
    /** The graph's first output. */
    public static final String IDS = "input_ids";
    /** The graph's second output. */
    public static final String MASK = "attention_mask";

    private ClipTokenizerOp() {
    }

    /** The tokenizer graph of this vocabulary ({@code vocab.json} text) and merge list ({@code merges.txt} text). */
    public static OnnxModel model(String vocabJson, String mergesTxt) {
        Graph g = new Graph("clip_tokenizer");
        g.input(INPUT, ElementType.STRING, "batch");
        g.node(OP, List.of(INPUT), List.of(IDS, MASK),
                        Attribute.of("vocab", vocabJson), Attribute.of("merges", mergesTxt))
                .domain(DOMAIN).name("CLIPTokenizer");
        g.output(IDS, ElementType.INT64, "batch", "tokens");
        g.output(MASK, ElementType.INT64, "batch", "tokens");
        return new OnnxModel(g).opset(17).opset(DOMAIN, 1)
                .docString("genloom test kit: CLIP tokenizer as onnxruntime-extensions' CLIPTokenizer operator");
    }

    /** The tokenizer graph of a folder's {@code tokenizer/vocab.json} and {@code tokenizer/merges.txt}. */
    public static OnnxModel model(Path tokenizerFolder) {
        try {
            return model(Files.readString(tokenizerFolder.resolve("vocab.json"), StandardCharsets.UTF_8),
                    Files.readString(tokenizerFolder.resolve("merges.txt"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the tokenizer files in " + tokenizerFolder + ": " + e.getMessage(), e);
        }
    }
}
