package dev.genloom.zoo.testkit.whisper;

import static dev.genloom.zoo.testkit.whisper.WhisperExportTest.assertClose;
import static dev.genloom.zoo.testkit.whisper.WhisperExportTest.concat;
import static dev.genloom.zoo.testkit.whisper.WhisperExportTest.maxDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.spi.Dtype;
import dev.genloom.zoo.testkit.whisper.WhisperExport.File;
import dev.genloom.zoo.testkit.whisper.WhisperExport.Part;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fp16 and quantized files of the tiny Whisper (their signatures are checked with the fp32
 * ones in {@link WhisperExportTest}): they hold the fp32 file's weights, so the encoder's output
 * and the decoder's logits stay close to fp32; their caches fed back give the logits of a full
 * pass; the merged decoder's branches equal the split pair of the same dtype; fp16 files really
 * hand out float16 tensors and store float16 weights.
 */
class WhisperVariantsTest {

    static final WhisperExport.Config C = WhisperExport.TINY;
    /**
     * Largest difference from fp32 allowed in {@code last_hidden_state} (LayerNorm output, values
     * of order 1). Measured with ONNX Runtime 1.29: fp16 2.5e-3, quantized 4.7e-2 (per-tensor uint8
     * weights: a step of 1/255 of each matrix's range).
     */
    static final Map<Dtype, Float> HIDDEN_TOLERANCE = Map.of(Dtype.FP16, 1e-2f, Dtype.QUANTIZED, 0.1f);
    /**
     * Largest difference from fp32 allowed in the logits (of order 4) and the cross-attention
     * cache. Measured: fp16 2.6e-3; quantized 3.8e-2 (logits) and 6.3e-2 (keys).
     */
    static final Map<Dtype, Float> LOGITS_TOLERANCE = Map.of(Dtype.FP16, 1e-2f, Dtype.QUANTIZED, 0.15f);
    /** Cached against full-pass logits within one file: float16 caches round the keys and values. */
    static final Map<Dtype, Float> CACHE_TOLERANCE = Map.of(Dtype.FP32, 1e-4f, Dtype.FP16, 1e-2f, Dtype.QUANTIZED, 1e-4f);

    @TempDir
    static Path dir;
    static Path folder;
    /** {@code last_hidden_state} of each dtype's encoder on the same features. */
    static final Map<Dtype, float[]> HIDDEN = new EnumMap<>(Dtype.class);

    @BeforeAll
    static void writeFolder() throws OrtException {
        folder = WhisperExport.write(dir.resolve("whisper-tiny-kit"), C);
        for (Dtype d : WhisperExport.DTYPES) {
            try (Whisper enc = new Whisper(folder, C, File.of(Part.ENCODER, d))) {
                HIDDEN.put(d, enc.encode(Whisper.features(C, 1)));
            }
        }
    }

    static long[] prompt() {
        return WhisperExportTest.prompt();
    }

    @ParameterizedTest
    @EnumSource(value = Dtype.class, names = {"FP16", "QUANTIZED"})
    void encoderOutputIsCloseToFp32(Dtype d) {
        float diff = maxDiff(HIDDEN.get(Dtype.FP32), HIDDEN.get(d));
        System.out.printf("whisper kit %s encoder: max |last_hidden_state - fp32| = %.3g%n", d, diff);
        assertTrue(diff <= HIDDEN_TOLERANCE.get(d), d + " last_hidden_state differs from fp32 by " + diff);
        assertTrue(diff > 0, d + " is a file of its own, not the fp32 one");
    }

    @ParameterizedTest
    @EnumSource(value = Dtype.class, names = {"FP16", "QUANTIZED"})
    void firstStepLogitsAreCloseToFp32(Dtype d) throws OrtException {
        for (Part part : List.of(Part.DECODER, Part.DECODER_MERGED)) {
            Boolean branch = part == Part.DECODER_MERGED ? Boolean.FALSE : null;
            try (Whisper fp32 = new Whisper(folder, C, File.of(part, Dtype.FP32));
                 Whisper variant = new Whisper(folder, C, File.of(part, d));
                 OrtSession.Result a = fp32.run(prompt(), HIDDEN.get(Dtype.FP32), null, branch);
                 OrtSession.Result b = variant.run(prompt(), HIDDEN.get(d), null, branch)) {
                assertEquals(d == Dtype.FP16 ? OnnxJavaType.FLOAT16 : OnnxJavaType.FLOAT,
                        ((OnnxTensor) b.get("logits").orElseThrow()).getInfo().type, "logits element type");
                float[] expected = Whisper.floats(a, "logits");
                float[] actual = Whisper.floats(b, "logits");
                float diff = maxDiff(expected, actual);
                System.out.printf("whisper kit %s %s: max |logits - fp32| = %.3g (max |logits| %.3g)%n", d, part, diff,
                        maxAbs(expected));
                assertTrue(diff <= LOGITS_TOLERANCE.get(d), d + " " + part + " logits differ from fp32 by " + diff);
                for (int i = 0; i < C.decoderLayers(); i++) {
                    assertClose(Whisper.floats(a, WhisperExport.presentEncoderKey(i)),
                            Whisper.floats(b, WhisperExport.presentEncoderKey(i)), LOGITS_TOLERANCE.get(d),
                            d + " " + part + " cross-attention keys of layer " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Dtype.class, names = {"FP32", "FP16", "QUANTIZED"})
    void mergedCachedStepsGiveTheLogitsOfOneFullPass(Dtype d) throws OrtException {
        long[] all = concat(prompt(), WhisperExportTest.NEXT);
        float[] hidden = HIDDEN.get(d);
        float tolerance = CACHE_TOLERANCE.get(d);
        try (Whisper m = new Whisper(folder, C, File.of(Part.DECODER_MERGED, d))) {
            float[] full;
            try (OrtSession.Result r = m.run(all, hidden, null, false)) {
                full = Whisper.floats(r, "logits");
            }
            OrtSession.Result last = m.run(prompt(), hidden, null, false);
            try {
                for (int k = 0; k < WhisperExportTest.NEXT.length; k++) {
                    int pos = prompt().length + k;
                    OrtSession.Result next = m.run(new long[] {WhisperExportTest.NEXT[k]}, hidden, last, true);
                    last.close();
                    last = next;
                    assertArrayEquals(new long[] {1, C.heads(), pos + 1, C.headDim()}, Whisper.shape(last, "present.1.decoder.value"));
                    assertClose(m.at(full, pos), m.at(Whisper.floats(last, "logits"), 0), tolerance, d + " cached step " + k);
                }
            } finally {
                last.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Dtype.class, names = {"FP16", "QUANTIZED"})
    void splitPairDecodesLikeTheFullPass(Dtype d) throws OrtException {
        long[] all = concat(prompt(), WhisperExportTest.NEXT);
        float[] hidden = HIDDEN.get(d);
        try (Whisper plain = new Whisper(folder, C, File.of(Part.DECODER, d));
             Whisper withPast = new Whisper(folder, C, File.of(Part.DECODER_WITH_PAST, d))) {
            float[] full;
            try (OrtSession.Result r = plain.run(all, hidden, null, null)) {
                full = Whisper.floats(r, "logits");
            }
            try (OrtSession.Result first = plain.run(prompt(), hidden, null, null)) {
                OrtSession.Result last = null;
                try {
                    for (int k = 0; k < WhisperExportTest.NEXT.length; k++) {
                        OrtSession.Result next = withPast.run(new long[] {WhisperExportTest.NEXT[k]}, null,
                                last == null ? first : last, first, null);
                        if (last != null) {
                            last.close();
                        }
                        last = next;
                        assertClose(plain.at(full, prompt().length + k), plain.at(Whisper.floats(last, "logits"), 0),
                                CACHE_TOLERANCE.get(d), d + " with-past step " + k);
                    }
                } finally {
                    if (last != null) {
                        last.close();
                    }
                }
            }
        }
    }

    /**
     * The merged decoder's branches compute what the split pair computes. Run without ONNX
     * Runtime's extended optimizations: at that level it replaces {@code DequantizeLinear} +
     * {@code MatMul} of a top-level graph (the split pair's) by a fused quantized kernel that rounds
     * differently (logits move by about 4e-3), and leaves those inside the merged file's
     * {@code If} branches alone; the fp16 files are compared at both levels.
     */
    @ParameterizedTest
    @EnumSource(value = Dtype.class, names = {"FP16", "QUANTIZED"})
    void mergedBranchesEqualTheSplitPairOfTheSameDtype(Dtype d) throws OrtException {
        List<OrtSession.SessionOptions.OptLevel> levels = d == Dtype.QUANTIZED
                ? List.of(OrtSession.SessionOptions.OptLevel.BASIC_OPT)
                : List.of(OrtSession.SessionOptions.OptLevel.BASIC_OPT, OrtSession.SessionOptions.OptLevel.ALL_OPT);
        for (OrtSession.SessionOptions.OptLevel level : levels) {
            mergedBranchesEqualTheSplitPair(d, level);
        }
    }

    private static void mergedBranchesEqualTheSplitPair(Dtype d, OrtSession.SessionOptions.OptLevel level)
            throws OrtException {
        float[] hidden = HIDDEN.get(d);
        try (Whisper merged = new Whisper(folder, C, File.of(Part.DECODER_MERGED, d), level);
             Whisper plain = new Whisper(folder, C, File.of(Part.DECODER, d), level);
             Whisper withPast = new Whisper(folder, C, File.of(Part.DECODER_WITH_PAST, d), level);
             OrtSession.Result a = merged.run(prompt(), hidden, null, false);
             OrtSession.Result b = plain.run(prompt(), hidden, null, null)) {
            for (String name : WhisperExport.decoderOutputNames(C.decoderLayers(), true)) {
                assertClose(Whisper.floats(b, name), Whisper.floats(a, name), 1e-6f, d + " " + level + " no-cache branch " + name);
            }
            long[] step = {WhisperExportTest.NEXT[0]};
            try (OrtSession.Result c = merged.run(step, hidden, a, true);
                 OrtSession.Result e = withPast.run(step, null, b, null)) {
                for (String name : WhisperExport.decoderOutputNames(C.decoderLayers(), false)) {
                    assertClose(Whisper.floats(e, name), Whisper.floats(c, name), 1e-6f, d + " " + level + " cache branch " + name);
                }
                for (int i = 0; i < C.decoderLayers(); i++) {
                    // the cache branch hands the cross-attention cache back unchanged (float16 -> float32 -> float16 is exact)
                    assertArrayEquals(Whisper.floats(a, WhisperExport.presentEncoderKey(i)), Whisper.floats(c, WhisperExport.presentEncoderKey(i)));
                    assertArrayEquals(Whisper.floats(a, WhisperExport.presentEncoderValue(i)), Whisper.floats(c, WhisperExport.presentEncoderValue(i)));
                }
            }
        }
    }

    @Test
    void fp16FilesStoreHalfTheBytesAndQuantizedFilesFewer() throws IOException {
        for (Part part : Part.values()) {
            long fp32 = Files.size(folder.resolve("onnx").resolve(File.of(part, Dtype.FP32).fileName()));
            long fp16 = Files.size(folder.resolve("onnx").resolve(File.of(part, Dtype.FP16).fileName()));
            long quantized = Files.size(folder.resolve("onnx").resolve(File.of(part, Dtype.QUANTIZED).fileName()));
            System.out.printf("whisper kit %s: fp32 %d, fp16 %d, quantized %d bytes%n", part, fp32, fp16, quantized);
            // the encoder's sinusoidal positions stay float32 in fp16 exports, as rotary tables do
            assertTrue(fp16 < (part == Part.ENCODER ? 0.85 : 0.6) * fp32, part + " fp16 " + fp16 + " vs fp32 " + fp32);
            assertTrue(quantized < fp32, part + " quantized " + quantized + " vs fp32 " + fp32);
        }
    }

    @Test
    void fileSetsOfEachDtypeNameTheirFiles() {
        assertEquals(EnumSet.of(File.ENCODER, File.DECODER, File.DECODER_WITH_PAST, File.DECODER_MERGED),
                File.of(Dtype.FP32));
        assertEquals("decoder_model_merged_fp16.onnx", File.DECODER_MERGED_FP16.fileName());
        assertEquals("decoder_with_past_model_quantized.onnx", File.of(Part.DECODER_WITH_PAST, Dtype.QUANTIZED).fileName());
        assertEquals("encoder_model_fp16.onnx", File.of(Part.ENCODER, Dtype.FP16).fileName());
        assertEquals("encoder_model.onnx", File.ENCODER.fileName());
    }

    static float maxAbs(float[] a) {
        float m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
