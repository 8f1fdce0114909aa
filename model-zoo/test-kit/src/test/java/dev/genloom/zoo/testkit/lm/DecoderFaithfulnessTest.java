package dev.genloom.zoo.testkit.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every generated decoder-only model must do to pass for an export: the documented
 * signature, a KV cache that gives the logits of a full pass, padding that changes nothing for
 * the padded row, a merged {@code If} equal to the plain graph in both branches, an fp16 variant
 * close to fp32, logits that depend on every earlier token, and byte-identical rewrites.
 */
abstract class DecoderFaithfulnessTest {

    static final float FP32_TOLERANCE = 1e-4f;

    abstract Path folder();

    abstract DecoderExport.Signature signature();

    /** Writes the same folder again under {@code dir}. */
    abstract Path writeAgain(Path dir);

    abstract List<DecoderExport.Variant> variants();

    /** Writes the folder with {@code MODEL} and {@code MERGED} but no {@code position_ids} input under {@code dir}. */
    abstract Path writeWithoutPositionIds(Path dir);

    Path file(DecoderExport.Variant v) {
        return folder().resolve("onnx").resolve(v.fileName());
    }

    Decoder open(DecoderExport.Variant v) throws OrtException {
        return new Decoder(file(v), signature());
    }

    static final long[] PROMPT = {5, 17, 250, 3, 99, 42};
    static final long[] NEXT = {7, 300, 12, 45};

    // ---------------------------------------------------------------- signature

    @Test
    void everyVariantHasTheExportSignature() throws OrtException, IOException {
        DecoderExport.Signature sig = signature();
        for (DecoderExport.Variant v : variants()) {
            assertTrue(Files.size(file(v)) < 1_000_000, v + " is well under 1 MB");
            try (Decoder d = open(v)) {
                OnnxJavaType io = v.elementType() == dev.genloom.zoo.onnx.ElementType.FLOAT16 ? OnnxJavaType.FLOAT16 : OnnxJavaType.FLOAT;
                List<String> inputs = new ArrayList<>(List.of("input_ids", "attention_mask", "position_ids"));
                for (int i = 0; i < sig.layers(); i++) {
                    inputs.add("past_key_values." + i + ".key");
                    inputs.add("past_key_values." + i + ".value");
                }
                if (v.merged()) {
                    inputs.add("use_cache_branch");
                }
                Map<String, NodeInfo> in = d.session.getInputInfo();
                assertEquals(inputs, List.copyOf(in.keySet()), v + " inputs");
                expect(in, "input_ids", OnnxJavaType.INT64, new long[] {-1, -1}, "batch_size", "sequence_length");
                expect(in, "attention_mask", OnnxJavaType.INT64, new long[] {-1, -1},
                        "batch_size", "past_sequence_length + sequence_length");
                expect(in, "position_ids", OnnxJavaType.INT64, new long[] {-1, -1}, "batch_size", "sequence_length");
                for (int i = 0; i < sig.layers(); i++) {
                    for (String kv : List.of(".key", ".value")) {
                        expect(in, "past_key_values." + i + kv, io, new long[] {-1, sig.kvHeads(), -1, sig.headDim()},
                                "batch_size", "", "past_sequence_length", "");
                    }
                }
                if (v.merged()) {
                    expect(in, "use_cache_branch", OnnxJavaType.BOOL, new long[] {1}, "");
                }

                List<String> outputs = new ArrayList<>(List.of("logits"));
                for (int i = 0; i < sig.layers(); i++) {
                    outputs.add("present." + i + ".key");
                    outputs.add("present." + i + ".value");
                }
                Map<String, NodeInfo> out = d.session.getOutputInfo();
                assertEquals(outputs, List.copyOf(out.keySet()), v + " outputs");
                expect(out, "logits", io, new long[] {-1, -1, sig.vocabSize()}, "batch_size", "sequence_length", "");
                for (int i = 0; i < sig.layers(); i++) {
                    for (String kv : List.of(".key", ".value")) {
                        expect(out, "present." + i + kv, io, new long[] {-1, sig.kvHeads(), -1, sig.headDim()},
                                "batch_size", "", "past_sequence_length + sequence_length", "");
                    }
                }
            }
        }
    }

    private static void expect(Map<String, NodeInfo> infos, String name, OnnxJavaType type, long[] shape, String... dims) {
        TensorInfo t = (TensorInfo) infos.get(name).getInfo();
        assertEquals(type, t.type, name + " type");
        assertArrayEquals(shape, t.getShape(), name + " shape");
        assertArrayEquals(dims, t.getDimensionNames(), name + " dim names");
    }

    // ---------------------------------------------------------------- cache

    @Test
    void prefillThenCachedStepsGiveTheLogitsOfOneFullPass() throws OrtException {
        cacheAgreesWithFullPass(DecoderExport.Variant.MODEL, FP32_TOLERANCE);
    }

    void cacheAgreesWithFullPass(DecoderExport.Variant v, float tolerance) throws OrtException {
        long[] all = concat(PROMPT, NEXT);
        try (Decoder d = open(v)) {
            float[] full = d.full(all);
            try (Decoder.State s = d.start(1)) {
                float[] prefill = s.step(new long[][] {PROMPT}, new long[][] {Decoder.ones(PROMPT.length)},
                        new long[][] {Decoder.range(0, PROMPT.length)});
                for (int p = 0; p < PROMPT.length; p++) {
                    assertClose(d.at(full, all.length, 0, p), d.at(prefill, PROMPT.length, 0, p), tolerance, v + " prefill position " + p);
                }
                for (int k = 0; k < NEXT.length; k++) {
                    int pos = PROMPT.length + k;
                    float[] step = s.step(new long[][] {{NEXT[k]}}, new long[][] {Decoder.ones(pos + 1)},
                            new long[][] {{pos}});
                    assertClose(d.at(full, all.length, 0, pos), d.at(step, 1, 0, 0), tolerance, v + " cached step " + k);
                }
            }
        }
    }

    // ---------------------------------------------------------------- padding

    @Test
    void leftPaddedBatchGivesTheLogitsOfEachRowAlone() throws OrtException {
        long[] shortRow = {11, 12, 13};
        long[] longRow = PROMPT;
        int pad = longRow.length - shortRow.length;
        long[] padded = new long[longRow.length];
        long[] paddedMask = new long[longRow.length];
        long[] paddedPos = new long[longRow.length];
        for (int i = 0; i < longRow.length; i++) {
            padded[i] = i < pad ? 0 : shortRow[i - pad];
            paddedMask[i] = i < pad ? 0 : 1;
            paddedPos[i] = i < pad ? 1 : i - pad;       // Transformers: cumsum(mask) - 1, padding filled with 1
        }
        try (Decoder d = open(DecoderExport.Variant.MODEL)) {
            float[] aloneShort = d.full(concat(shortRow, new long[] {NEXT[0]}));
            float[] aloneLong = d.full(concat(longRow, new long[] {NEXT[0]}));
            try (Decoder.State s = d.start(2)) {
                float[] batch = s.step(new long[][] {padded, longRow},
                        new long[][] {paddedMask, Decoder.ones(longRow.length)},
                        new long[][] {paddedPos, Decoder.range(0, longRow.length)});
                int seq = longRow.length;
                for (int p = 0; p < shortRow.length; p++) {
                    assertClose(d.at(aloneShort, shortRow.length + 1, 0, p), d.at(batch, seq, 0, pad + p), FP32_TOLERANCE, "padded row position " + p);
                }
                for (int p = 0; p < longRow.length; p++) {
                    assertClose(d.at(aloneLong, longRow.length + 1, 0, p), d.at(batch, seq, 1, p), FP32_TOLERANCE, "full row position " + p);
                }
                // one cached step with the padding still in the mask
                long[] stepMask = concat(paddedMask, new long[] {1});
                float[] step = s.step(new long[][] {{NEXT[0]}, {NEXT[0]}},
                        new long[][] {stepMask, Decoder.ones(seq + 1)},
                        new long[][] {{shortRow.length}, {longRow.length}});
                assertClose(d.at(aloneShort, shortRow.length + 1, 0, shortRow.length), d.at(step, 1, 0, 0), FP32_TOLERANCE, "padded row, cached step");
                assertClose(d.at(aloneLong, longRow.length + 1, 0, longRow.length), d.at(step, 1, 1, 0), FP32_TOLERANCE, "full row, cached step");
            }
        }
    }

    // ---------------------------------------------------------------- merged

    @Test
    void mergedDecoderMatchesThePlainGraphInBothBranches() throws OrtException {
        if (!variants().contains(DecoderExport.Variant.MERGED)) {
            return;
        }
        long[] all = concat(PROMPT, NEXT);
        try (Decoder plain = open(DecoderExport.Variant.MODEL); Decoder merged = open(DecoderExport.Variant.MERGED)) {
            assertTrue(merged.merged);
            float[] full = plain.full(all);
            try (Decoder.State s = merged.start(1)) {
                // first step: use_cache_branch = false, the past (empty) is ignored
                float[] prefill = s.step(new long[][] {PROMPT}, new long[][] {Decoder.ones(PROMPT.length)},
                        new long[][] {Decoder.range(0, PROMPT.length)}, false);
                for (int p = 0; p < PROMPT.length; p++) {
                    assertClose(plain.at(full, all.length, 0, p), merged.at(prefill, PROMPT.length, 0, p), FP32_TOLERANCE, "no-cache branch " + p);
                }
                for (int k = 0; k < NEXT.length; k++) {
                    int pos = PROMPT.length + k;
                    float[] step = s.step(new long[][] {{NEXT[k]}}, new long[][] {Decoder.ones(pos + 1)}, new long[][] {{pos}}, true);
                    assertClose(plain.at(full, all.length, 0, pos), merged.at(step, 1, 0, 0), FP32_TOLERANCE, "cache branch " + k);
                }
            }
            // the cache branch with an empty past is the plain graph too
            try (Decoder.State s = merged.start(1)) {
                float[] viaCache = s.step(new long[][] {all}, new long[][] {Decoder.ones(all.length)},
                        new long[][] {Decoder.range(0, all.length)}, true);
                assertClose(full, viaCache, FP32_TOLERANCE, "cache branch, empty past");
            }
        }
    }

    // ---------------------------------------------------------------- fp16

    @Test
    void fp16VariantsAgreeWithFp32() throws OrtException {
        long[] all = concat(PROMPT, NEXT);
        float[] reference;
        try (Decoder d = open(DecoderExport.Variant.MODEL)) {
            reference = d.full(all);
        }
        float scale = 0;
        for (float x : reference) {
            scale = Math.max(scale, Math.abs(x));
        }
        float tolerance = 0.02f * Math.max(1f, scale);
        for (DecoderExport.Variant v : variants()) {
            if (v.elementType() != dev.genloom.zoo.onnx.ElementType.FLOAT16) {
                continue;
            }
            try (Decoder d = open(v)) {
                assertTrue(d.fp16, v + " declares float16 logits");
                float[] half = d.full(all);
                assertClose(reference, half, tolerance, v + " full pass");
            }
            cacheAgreesWithFullPass(v, tolerance);
        }
    }

    // ---------------------------------------------------------------- quantized

    @Test
    void quantizedVariantStoresUint8WeightsAndStaysCloseToFp32() throws OrtException, IOException {
        assertTrue(variants().contains(DecoderExport.Variant.MODEL_QUANTIZED), "the folder has model_quantized.onnx");
        Path quantized = file(DecoderExport.Variant.MODEL_QUANTIZED);
        Path plain = file(DecoderExport.Variant.MODEL);
        assertTrue(Files.size(quantized) < Files.size(plain),
                "quantized " + Files.size(quantized) + " bytes, fp32 " + Files.size(plain));
        // the initializers in the file: every MatMul weight as uint8 with its scale and zero point
        Map<String, Integer> types = OnnxInitializers.types(Files.readAllBytes(quantized));
        Map<String, Integer> fp32Types = OnnxInitializers.types(Files.readAllBytes(plain));
        int matrices = 0;
        for (Map.Entry<String, Integer> e : fp32Types.entrySet()) {
            String name = e.getKey();
            if (name.endsWith("_proj.weight") || name.endsWith("c_fc.weight") || name.endsWith("c_proj.weight")
                    || name.equals("lm_head.weight")) {
                matrices++;
                assertEquals(OnnxInitializers.UINT8, types.get(name + "_quantized"), name + " stored as uint8");
                assertEquals(OnnxInitializers.FLOAT, types.get(name + "_scale"), name + " scale");
                assertEquals(OnnxInitializers.UINT8, types.get(name + "_zero_point"), name + " zero point");
                assertTrue(!types.containsKey(name), name + " has no float copy");
            } else {
                assertEquals(e.getValue(), types.get(name), name + " stays as it was");
            }
        }
        assertTrue(matrices >= 4 * signature().layers(), "matrices found: " + matrices);

        long[] all = concat(PROMPT, NEXT);
        float[] reference;
        try (Decoder d = open(DecoderExport.Variant.MODEL)) {
            reference = d.full(all);
        }
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float x : reference) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        float tolerance = 0.05f * (max - min);
        float[] q;
        try (Decoder d = open(DecoderExport.Variant.MODEL_QUANTIZED)) {
            assertTrue(!d.fp16, "float32 logits");
            q = d.full(all);
        }
        float diff = maxDiff(reference, q);
        assertClose(reference, q, tolerance, "quantized full pass (logit range " + (max - min) + ")");
        assertTrue(diff > 0, "the quantized weights change the logits a little");
        cacheAgreesWithFullPass(DecoderExport.Variant.MODEL_QUANTIZED, FP32_TOLERANCE);
    }

    // ---------------------------------------------------------------- without position_ids

    @Test
    void withoutPositionIdsTheMaskGivesThePositions(@TempDir Path other) throws OrtException {
        Path folder = writeWithoutPositionIds(other);
        long[] all = concat(PROMPT, NEXT);
        long[] shortRow = {11, 12, 13};
        long[] longRow = PROMPT;
        int pad = longRow.length - shortRow.length;
        long[] padded = new long[longRow.length];
        long[] paddedMask = new long[longRow.length];
        long[] paddedPos = new long[longRow.length];
        for (int i = 0; i < longRow.length; i++) {
            padded[i] = i < pad ? 0 : shortRow[i - pad];
            paddedMask[i] = i < pad ? 0 : 1;
            paddedPos[i] = i < pad ? 1 : i - pad;
        }
        long[] stepMask = concat(paddedMask, new long[] {1});
        for (DecoderExport.Variant v : List.of(DecoderExport.Variant.MODEL, DecoderExport.Variant.MERGED)) {
            try (Decoder with = new Decoder(file(DecoderExport.Variant.MODEL), signature());
                 Decoder without = new Decoder(folder.resolve("onnx").resolve(v.fileName()), signature())) {
                assertTrue(with.positionIds);
                assertTrue(!without.positionIds, v + " has no position_ids input");
                assertEquals(v.merged(), without.merged);
                // unpadded: full pass, then prefill and cached steps
                assertClose(with.full(all), without.full(all), FP32_TOLERANCE, v + " full pass");
                try (Decoder.State a = with.start(1); Decoder.State b = without.start(1)) {
                    assertClose(a.step(new long[][] {PROMPT}, new long[][] {Decoder.ones(PROMPT.length)},
                                    new long[][] {Decoder.range(0, PROMPT.length)}),
                            b.step(new long[][] {PROMPT}, new long[][] {Decoder.ones(PROMPT.length)}, null, false),
                            FP32_TOLERANCE, v + " prefill");
                    for (int k = 0; k < NEXT.length; k++) {
                        int pos = PROMPT.length + k;
                        assertClose(a.step(new long[][] {{NEXT[k]}}, new long[][] {Decoder.ones(pos + 1)}, new long[][] {{pos}}),
                                b.step(new long[][] {{NEXT[k]}}, new long[][] {Decoder.ones(pos + 1)}, null, true),
                                FP32_TOLERANCE, v + " cached step " + k);
                    }
                }
                // left-padded batch, then one cached step with the padding still in the mask
                try (Decoder.State a = with.start(2); Decoder.State b = without.start(2)) {
                    float[] expected = a.step(new long[][] {padded, longRow},
                            new long[][] {paddedMask, Decoder.ones(longRow.length)},
                            new long[][] {paddedPos, Decoder.range(0, longRow.length)});
                    float[] actual = b.step(new long[][] {padded, longRow},
                            new long[][] {paddedMask, Decoder.ones(longRow.length)}, null, false);
                    assertClose(expected, actual, FP32_TOLERANCE, v + " left-padded batch");
                    assertClose(a.step(new long[][] {{NEXT[0]}, {NEXT[0]}}, new long[][] {stepMask, Decoder.ones(longRow.length + 1)},
                                    new long[][] {{shortRow.length}, {longRow.length}}),
                            b.step(new long[][] {{NEXT[0]}, {NEXT[0]}}, new long[][] {stepMask, Decoder.ones(longRow.length + 1)},
                                    null, true),
                            FP32_TOLERANCE, v + " left-padded cached step");
                }
            }
        }
    }

    // ---------------------------------------------------------------- positions

    @Test
    void logitsDependOnEveryEarlierToken() throws OrtException {
        long[] all = concat(PROMPT, NEXT);
        try (Decoder d = open(DecoderExport.Variant.MODEL)) {
            float[] base = d.at(d.full(all), all.length, 0, all.length - 1);
            for (int p = 0; p < all.length - 1; p++) {
                long[] changed = all.clone();
                changed[p] = (changed[p] + 1) % signature().vocabSize();
                float[] other = d.at(d.full(changed), all.length, 0, all.length - 1);
                float diff = maxDiff(base, other);
                assertTrue(diff > 1e-3f, "changing token " + p + " changes the last logits (max diff " + diff + ")");
            }
            // and earlier logits do not depend on later tokens (causal)
            long[] changedLast = all.clone();
            changedLast[all.length - 1] = (changedLast[all.length - 1] + 1) % signature().vocabSize();
            float[] a = d.full(all);
            float[] b = d.full(changedLast);
            for (int p = 0; p < all.length - 1; p++) {
                assertClose(d.at(a, all.length, 0, p), d.at(b, all.length, 0, p), 1e-6f, "causal at " + p);
            }
        }
    }

    // ---------------------------------------------------------------- determinism

    @Test
    void writingAgainGivesTheSameBytes(@TempDir Path other) throws IOException {
        Path again = writeAgain(other);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder())) {
            files = walk.filter(Files::isRegularFile).map(folder()::relativize).sorted().toList();
        }
        List<Path> againFiles;
        try (Stream<Path> walk = Files.walk(again)) {
            againFiles = walk.filter(Files::isRegularFile).map(again::relativize).sorted().toList();
        }
        assertEquals(files, againFiles);
        for (Path rel : files) {
            assertArrayEquals(Files.readAllBytes(folder().resolve(rel)), Files.readAllBytes(again.resolve(rel)), rel.toString());
        }
    }

    // ---------------------------------------------------------------- helpers

    static long[] concat(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static float maxDiff(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]
                        + " (max diff " + maxDiff(expected, actual) + ", tolerance " + tolerance + ")");
            }
        }
    }
}
