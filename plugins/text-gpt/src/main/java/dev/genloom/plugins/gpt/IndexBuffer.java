package dev.genloom.plugins.gpt;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * A direct, native-order buffer of int64 (or int32) indices, allocated once per generation at its
 * largest size and rewritten for every step; tensors made from it wrap it without a copy. A
 * tensor made from it must be closed before the buffer is rewritten.
 */
final class IndexBuffer {
    private final boolean int32;
    private final LongBuffer longs;
    private final IntBuffer ints;

    IndexBuffer(OnnxJavaType type, int capacity) {
        this.int32 = type == OnnxJavaType.INT32;
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.max(1, capacity) * (int32 ? 4 : 8))
                .order(ByteOrder.nativeOrder());
        this.longs = int32 ? null : bytes.asLongBuffer();
        this.ints = int32 ? bytes.asIntBuffer() : null;
    }

    void put(int index, long value) {
        if (int32) {
            ints.put(index, (int) value);
        } else {
            longs.put(index, value);
        }
    }

    /** A tensor over the first {@code shape[0] * shape[1]} entries. */
    OnnxTensor tensor(OrtEnvironment env, long[] shape) throws OrtException {
        int n = (int) (shape[0] * shape[1]);
        if (int32) {
            return OnnxTensor.createTensor(env, ints.duplicate().position(0).limit(n).slice(), shape);
        }
        return OnnxTensor.createTensor(env, longs.duplicate().position(0).limit(n).slice(), shape);
    }
}
