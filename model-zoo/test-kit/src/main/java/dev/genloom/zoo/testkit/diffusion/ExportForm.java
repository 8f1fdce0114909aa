package dev.genloom.zoo.testkit.diffusion;

import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.ExternalData;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.testkit.lm.Blocks;
import dev.genloom.zoo.testkit.lm.Weights;
import java.util.Objects;

/**
 * How one part of a pipeline is exported: by which {@link Exporter}, with float tensors in
 * float32 or float16 ({@code --fp16} / {@code --dtype fp16}: every float input, output and weight
 * {@code tensor(float16)}), and with the batch axis dynamic or fixed to 1.
 *
 * <p>In a float16 part the kit stores every learned weight as float16 and casts it to float32 once,
 * casts float16 inputs to float32 and the outputs back to float16, so that the part's signature is
 * the fp16 export's while the arithmetic runs in float32 on every execution provider (the real
 * export computes in float16).
 */
public record ExportForm(Exporter exporter, ElementType floatType, boolean batchOne) {

    public ExportForm {
        Objects.requireNonNull(exporter, "exporter");
        if (floatType != ElementType.FLOAT && floatType != ElementType.FLOAT16) {
            throw new IllegalArgumentException("float tensors are FLOAT or FLOAT16, not " + floatType);
        }
    }

    public static ExportForm of(Exporter exporter) {
        return new ExportForm(exporter, ElementType.FLOAT, false);
    }

    public ExportForm fp16() {
        return new ExportForm(exporter, ElementType.FLOAT16, batchOne);
    }

    public ExportForm withBatchOne() {
        return new ExportForm(exporter, floatType, true);
    }

    public boolean isFp16() {
        return floatType == ElementType.FLOAT16;
    }

    /** The batch dim: the exporter's axis name, or 1. */
    public Object batch() {
        return batchOne ? (Object) 1L : exporter.batch();
    }

    /** Weights of a part: inline, or written to {@code external} as they are made. */
    Weights weights(Graph g, long seed, ExternalData external) {
        return external == null ? new Weights(g, seed, floatType) : Weights.external(g, seed, floatType, external);
    }

    /** Declares float input {@code name} and returns the float32 value to compute with. */
    String floatInput(Graph g, Blocks b, String name, Object... dims) {
        g.input(name, floatType, dims);
        return isFp16() ? b.cast(name, ElementType.FLOAT) : name;
    }

    /** Makes float32 value {@code value} the float output {@code name}. */
    void floatOutput(Graph g, Blocks b, String value, String name, Object... dims) {
        if (isFp16()) {
            b.opInto("Cast", value, name, Attribute.of("to", ElementType.FLOAT16.code()));
        } else {
            b.opInto("Identity", value, name);
        }
        g.output(name, floatType, dims);
    }
}
