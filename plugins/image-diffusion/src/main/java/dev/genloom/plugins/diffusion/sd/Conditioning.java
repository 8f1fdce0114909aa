package dev.genloom.plugins.diffusion.sd;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.genloom.api.GenloomException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the UNet is conditioned on, for the unconditional (negative prompt) and the conditional
 * (prompt) rows: the text encoders' hidden states, and for SDXL the pooled text vector and the
 * size ids, for LCM-distilled UNets the guidance embedding. The tensors of one UNet call's rows are
 * made once per generation and fed to every step as they are; {@link #close()} releases them.
 */
final class Conditioning implements AutoCloseable {

    /** One row's conditioning values. */
    record Row(float[] text, float[] pooled, float[] timeIds, float[] timestepCond) {
    }

    private final Unet unet;
    private final Row negative;
    private final Row positive;
    private final int textLength;
    private final Map<String, Map<String, OnnxTensor>> made = new HashMap<>();
    private final List<OnnxTensor> opened = new ArrayList<>();

    Conditioning(Unet unet, Row negative, Row positive, int textLength) {
        this.unet = unet;
        this.negative = negative;
        this.positive = positive;
        this.textLength = textLength;
    }

    /** Whether there is an unconditional row (classifier-free guidance). */
    boolean guided() {
        return negative != null;
    }

    /**
     * The UNet's conditioning inputs for a call over these rows ({@code false}: negative,
     * {@code true}: positive), made on first use and kept until {@link #close()}.
     */
    Map<String, OnnxTensor> tensors(boolean[] positiveRows) {
        StringBuilder key = new StringBuilder();
        for (boolean p : positiveRows) {
            key.append(p ? '+' : '-');
        }
        Map<String, OnnxTensor> got = made.get(key.toString());
        if (got != null) {
            return got;
        }
        try {
            Map<String, OnnxTensor> m = new HashMap<>();
            int rows = positiveRows.length;
            m.put(Unet.TEXT, keep(unet.text(stack(positiveRows, Row::text), rows, textLength, unet.textWidth)));
            if (unet.sdxl) {
                float[] pooled = stack(positiveRows, Row::pooled);
                m.put(Unet.TEXT_EMBEDS, keep(unet.extra(pooled, rows, pooled.length / rows)));
                m.put(Unet.TIME_IDS, keep(unet.extra(stack(positiveRows, Row::timeIds), rows, 6)));
            }
            if (unet.timestepCondWidth > 0) {
                m.put(Unet.TIMESTEP_COND, keep(unet.extra(stack(positiveRows, Row::timestepCond), rows,
                        unet.timestepCondWidth)));
            }
            made.put(key.toString(), m);
            return m;
        } catch (OrtException e) {
            throw GenloomException.runFailed("cannot make the UNet's conditioning tensors: " + e.getMessage(), e);
        }
    }

    private OnnxTensor keep(OnnxTensor t) {
        opened.add(t);
        return t;
    }

    private float[] stack(boolean[] positiveRows, Function<Row, float[]> field) {
        float[] first = field.apply(positive);
        float[] out = new float[first.length * positiveRows.length];
        for (int r = 0; r < positiveRows.length; r++) {
            System.arraycopy(field.apply(positiveRows[r] ? positive : negative), 0, out, r * first.length, first.length);
        }
        return out;
    }

    @Override
    public void close() {
        for (OnnxTensor t : opened) {
            t.close();
        }
        opened.clear();
        made.clear();
    }
}
