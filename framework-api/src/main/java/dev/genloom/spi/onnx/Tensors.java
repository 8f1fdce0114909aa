package dev.genloom.spi.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.platform.Fp16Conversions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Tensors of the element type a graph declares, from Java arrays, and back: the one place a
 * plugin turns {@code float[]} into {@code tensor(float)} or {@code tensor(float16)}, ids into
 * {@code int32} or {@code int64}, and a tensor's values into {@code float[]} whatever its float type.
 * Every tensor returned is the caller's to close.
 */
public final class Tensors {
    private Tensors() {
    }

    /**
     * Floats as a tensor of {@code type}: {@link OnnxJavaType#FLOAT}, {@link OnnxJavaType#FLOAT16}
     * or {@link OnnxJavaType#BFLOAT16}.
     *
     * @throws IllegalArgumentException for another type
     */
    public static OnnxTensor floats(OrtEnvironment env, float[] values, long[] shape, OnnxJavaType type)
            throws OrtException {
        switch (type) {
            case FLOAT:
                return OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
            case FLOAT16:
            case BFLOAT16:
                ByteBuffer bytes = ByteBuffer.allocateDirect(values.length * 2).order(ByteOrder.nativeOrder());
                ShortBuffer halves = bytes.asShortBuffer();
                for (float v : values) {
                    halves.put(type == OnnxJavaType.FLOAT16 ? Fp16Conversions.floatToFp16(v) : Fp16Conversions.floatToBf16(v));
                }
                return OnnxTensor.createTensor(env, bytes, shape, type);
            default:
                throw new IllegalArgumentException("not a float type: " + type);
        }
    }

    /**
     * Integers (token ids, timesteps) as a tensor of {@code type}: {@link OnnxJavaType#INT64},
     * {@link OnnxJavaType#INT32}, or a float type (a timestep some exports declare as float).
     */
    public static OnnxTensor integers(OrtEnvironment env, long[] values, long[] shape, OnnxJavaType type)
            throws OrtException {
        switch (type) {
            case INT64:
                return OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
            case INT32:
                int[] ints = new int[values.length];
                for (int i = 0; i < values.length; i++) {
                    ints[i] = Math.toIntExact(values[i]);
                }
                return OnnxTensor.createTensor(env, IntBuffer.wrap(ints), shape);
            default:
                float[] fs = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    fs[i] = values[i];
                }
                return floats(env, fs, shape, type);
        }
    }

    /** A float, float16 or bfloat16 tensor's values, in row-major order. */
    public static float[] toFloats(OnnxTensor tensor) {
        return toFloats(tensor, null);
    }

    /**
     * A float, float16 or bfloat16 tensor's values, in row-major order, into {@code out} where it
     * is large enough (a buffer used again call after call), else into a new array.
     */
    public static float[] toFloats(OnnxTensor tensor, float[] reuse) {
        OnnxJavaType type = tensor.getInfo().type;
        int n = Math.toIntExact(tensor.getInfo().getNumElements());
        float[] out = reuse != null && reuse.length >= n ? reuse : new float[n];
        switch (type) {
            case FLOAT:
                tensor.getFloatBuffer().get(out, 0, n);
                return out;
            case FLOAT16:
            case BFLOAT16:
                ShortBuffer halves = tensor.getShortBuffer();
                for (int i = 0; i < n; i++) {
                    short h = halves.get(i);
                    out[i] = type == OnnxJavaType.FLOAT16 ? Fp16Conversions.fp16ToFloat(h) : Fp16Conversions.bf16ToFloat(h);
                }
                return out;
            default:
                throw new IllegalArgumentException("tensor of " + type + " is not a float tensor");
        }
    }
}
