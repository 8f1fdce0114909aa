package dev.genloom.plugins.diffusion.image;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.platform.Fp16Conversions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * Float tensors of image graphs in the element type the graph declares: {@code float} as it is,
 * {@code float16} converted on the way in and out.
 */
public final class Tensors {
    private Tensors() {
    }

    /** A tensor of {@code type} (FLOAT or FLOAT16) holding {@code values}, of {@code shape}. */
    public static OnnxTensor create(OrtEnvironment env, OnnxJavaType type, float[] values, long[] shape)
            throws OrtException {
        if (type == OnnxJavaType.FLOAT16) {
            ByteBuffer b = ByteBuffer.allocateDirect(values.length * 2).order(ByteOrder.nativeOrder());
            ShortBuffer s = b.asShortBuffer();
            for (float v : values) {
                s.put(Fp16Conversions.floatToFp16(v));
            }
            return OnnxTensor.createTensor(env, b, shape, OnnxJavaType.FLOAT16);
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
    }

    /**
     * The values of a float or float16 tensor, into {@code out} when it is large enough, else into a
     * new array.
     */
    public static float[] read(OnnxTensor tensor, float[] out) {
        long count = tensor.getInfo().getNumElements();
        float[] dst = out != null && out.length >= count ? out : new float[Math.toIntExact(count)];
        if (tensor.getInfo().type == OnnxJavaType.FLOAT16) {
            ShortBuffer s = tensor.getShortBuffer();
            for (int i = 0; i < count; i++) {
                dst[i] = Fp16Conversions.fp16ToFloat(s.get(i));
            }
        } else {
            tensor.getFloatBuffer().get(dst, 0, (int) count);
        }
        return dst;
    }
}
