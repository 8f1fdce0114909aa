package dev.genloom.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The dtype variants in which Hugging Face tooling (Optimum, Transformers.js) exports one ONNX
 * file, named by a suffix of the file's stem: {@code model.onnx} (fp32), {@code model_fp16.onnx},
 * {@code model_quantized.onnx}, ... The one vocabulary of dtypes in Genloom: the host's session
 * configuration, the catalog, the fetcher and the test kit all name variants by it.
 *
 * <p>The declaration order is the order in which variants are tried after the preferred one and
 * fp32 ({@link #preference}).
 */
public enum Dtype {
    FP32("fp32", ""),
    FP16("fp16", "_fp16"),
    QUANTIZED("quantized", "_quantized"),
    INT8("int8", "_int8"),
    UINT8("uint8", "_uint8"),
    Q4("q4", "_q4"),
    Q4F16("q4f16", "_q4f16"),
    BNB4("bnb4", "_bnb4"),
    /** bfloat16 weights; last, since ONNX Runtime's CPU kernels run few bfloat16 operators. */
    BF16("bf16", "_bf16");

    /** The variants with a suffix, longest suffix first, so that {@code _q4f16} is not read as {@code _q4}. */
    private static final List<Dtype> BY_SUFFIX_LENGTH = Arrays.stream(values())
            .filter(d -> !d.suffix.isEmpty())
            .sorted((a, b) -> Integer.compare(b.suffix.length(), a.suffix.length()))
            .toList();

    private final String id;
    private final String suffix;

    Dtype(String id, String suffix) {
        this.id = id;
        this.suffix = suffix;
    }

    /** The name used in configuration, catalogs and on the command line ({@code fp16}). */
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

    /** The dtype of a name ({@code fp16}, {@code  Q4 }: case and surrounding blanks do not matter), or empty. */
    public static Optional<Dtype> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(d -> d.id.equals(s)).findFirst();
    }

    /** The allowed names, for error messages: {@code fp32, fp16, quantized, ...}. */
    public static String allowed() {
        return Arrays.stream(values()).map(Dtype::id).collect(Collectors.joining(", "));
    }

    /** The allowed names, in declaration order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Dtype::id).toList();
    }

    /**
     * The dtype of an ONNX file by its name or path: {@code onnx/model_q4f16.onnx} is q4f16, and
     * so is its external data {@code model_q4f16.onnx_data}; a stem without a known suffix is
     * fp32. Empty for a file that is not an ONNX file or its data.
     */
    public static Optional<Dtype> ofFile(String path) {
        String name = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
        int i = name.indexOf(".onnx");
        if (i <= 0) {
            return Optional.empty();
        }
        String stem = name.substring(0, i);
        for (Dtype d : BY_SUFFIX_LENGTH) {
            if (stem.endsWith(d.suffix)) {
                return Optional.of(d);
            }
        }
        return Optional.of(FP32);
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
