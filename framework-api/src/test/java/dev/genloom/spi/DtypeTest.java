package dev.genloom.spi;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DtypeTest {

    @Test
    void theVocabularyIsTheExportSuffixes() {
        assertEquals(List.of("fp32", "fp16", "quantized", "int8", "uint8", "q4", "q4f16", "bnb4", "bf16"), Dtype.ids());
        assertEquals("fp32, fp16, quantized, int8, uint8, q4, q4f16, bnb4, bf16", Dtype.allowed());
        assertEquals("decoder_model_merged_q4f16.onnx", Dtype.Q4F16.fileName("decoder_model_merged"));
        assertEquals("model.onnx", Dtype.FP32.fileName("model"));
        assertEquals("bf16", Dtype.BF16.toString());
    }

    @Test
    void namesParseInAnyCase() {
        assertEquals(Optional.of(Dtype.FP16), Dtype.parse(" FP16 "));
        assertEquals(Optional.of(Dtype.BF16), Dtype.parse("bf16"));
        assertEquals(Optional.empty(), Dtype.parse("fp8"));
        assertEquals(Optional.empty(), Dtype.parse(null));
    }

    @Test
    void theDtypeOfAFileIsItsLongestSuffix() {
        assertEquals(Optional.of(Dtype.Q4F16), Dtype.ofFile("onnx/model_q4f16.onnx"));
        assertEquals(Optional.of(Dtype.Q4), Dtype.ofFile("onnx/model_q4.onnx"));
        assertEquals(Optional.of(Dtype.UINT8), Dtype.ofFile("onnx/model_uint8.onnx"));
        assertEquals(Optional.of(Dtype.INT8), Dtype.ofFile("model_int8.onnx"));
        assertEquals(Optional.of(Dtype.BF16), Dtype.ofFile("onnx/decoder_model_merged_bf16.onnx"));
        assertEquals(Optional.of(Dtype.FP16), Dtype.ofFile("onnx/model_fp16.onnx_data"));
        assertEquals(Optional.of(Dtype.QUANTIZED), Dtype.ofFile("onnx\\encoder_model_quantized.onnx"));
        assertEquals(Optional.of(Dtype.FP32), Dtype.ofFile("onnx/decoder_model_merged.onnx"));
        assertEquals(Optional.empty(), Dtype.ofFile("tokenizer.json"));
        assertEquals(Optional.empty(), Dtype.ofFile("onnx/.onnx"));
    }

    @Test
    void preferenceIsThePreferredThenFp32ThenTheRest() {
        assertEquals(List.of(Dtype.Q4, Dtype.FP32, Dtype.FP16, Dtype.QUANTIZED, Dtype.INT8, Dtype.UINT8, Dtype.Q4F16,
                Dtype.BNB4, Dtype.BF16), Dtype.preference(Dtype.Q4));
        assertEquals(List.of(Dtype.values()), Dtype.preference(Dtype.FP32));
    }
}
