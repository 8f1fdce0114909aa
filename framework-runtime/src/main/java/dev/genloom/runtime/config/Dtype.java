package dev.genloom.runtime.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The dtype variants in which Hugging Face tooling exports one ONNX file, named by a suffix of
 * the file's stem: {@code model.onnx} (fp32), {@code model_fp16.onnx}, {@code model_quantized.onnx},
 * ... The declaration order is the order in which variants are tried after the preferred one and
 * fp32.
 */
public enum Dtype {
    FP32("fp32", ""),
    FP16("fp16", "_fp16"),
    QUANTIZED("quantized", "_quantized"),
    INT8("int8", "_int8"),
    UINT8("uint8", "_uint8"),
    Q4("q4", "_q4"),
    Q4F16("q4f16", "_q4f16"),
    BNB4("bnb4", "_bnb4");

    private final String id;
    private final String suffix;

    Dtype(String id, String suffix) {
        this.id = id;
        this.suffix = suffix;
    }

    /** The name used in configuration ({@code fp16}). */
    public String id() {
        return id;
    }

    /** What follows the stem in the file name ({@code _fp16}; empty for fp32). */
    public String suffix() {
        return suffix;
    }

    /** The file name of this variant of a stem: {@code decoder_model_merged_fp16.onnx}. */
    public String fileName(String stem) {
        return stem + suffix + ".onnx";
    }

    public static Optional<Dtype> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(d -> d.id.equals(s)).findFirst();
    }

    /** The allowed names, for error messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(Dtype::id).collect(Collectors.joining(", "));
    }

    /** The order in which variants are tried: the preferred one, then fp32, then the rest in order. */
    public static List<Dtype> preference(Dtype preferred) {
        List<Dtype> order = new ArrayList<>(values().length);
        order.add(preferred);
        if (preferred != FP32) {
            order.add(FP32);
        }
        for (Dtype d : values()) {
            if (!order.contains(d)) {
                order.add(d);
            }
        }
        return List.copyOf(order);
    }

    @Override
    public String toString() {
        return id;
    }
}
