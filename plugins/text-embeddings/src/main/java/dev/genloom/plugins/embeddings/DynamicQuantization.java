package dev.genloom.plugins.embeddings;

import dev.genloom.api.io.UserFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether an ONNX graph quantizes its activations at run time ({@code DynamicQuantizeLinear},
 * as {@code onnxruntime.quantization.quantize_dynamic} writes the int8 exports of
 * Transformers.js). Such a graph computes one scale per tensor over the whole batch, padding
 * included, so a text's vector depends a little on the texts batched with it (about 1e-2, not
 * 1e-5); the family then embeds one text per session call unless {@code batch_size} says otherwise.
 *
 * <p>Read from the file's bytes: an operator's type is stored as its name, so the name appears in
 * the file where the graph uses it.
 */
final class DynamicQuantization {
    private static final byte[] OP = "DynamicQuantizeLinear".getBytes(StandardCharsets.US_ASCII);

    private DynamicQuantization() {
    }

    /** Whether {@code onnxFile} uses {@code DynamicQuantizeLinear}. */
    static boolean in(Path onnxFile) {
        try (InputStream in = Files.newInputStream(onnxFile)) {
            byte[] buffer = new byte[1 << 16];
            int keep = 0;
            int n;
            while ((n = in.read(buffer, keep, buffer.length - keep)) > 0) {
                int end = keep + n;
                if (indexOf(buffer, end) >= 0) {
                    return true;
                }
                keep = Math.min(OP.length - 1, end);
                System.arraycopy(buffer, end - keep, buffer, 0, keep);
            }
            return false;
        } catch (IOException e) {
            throw UserFiles.unreadable(onnxFile, "ONNX file", e);
        }
    }

    private static int indexOf(byte[] buffer, int end) {
        outer:
        for (int i = 0; i + OP.length <= end; i++) {
            for (int j = 0; j < OP.length; j++) {
                if (buffer[i + j] != OP[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
