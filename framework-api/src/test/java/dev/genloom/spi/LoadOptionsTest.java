package dev.genloom.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ModelInfo;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadOptionsTest {

    enum Decoder { AUTO, MERGED, SPLIT, MAX_LENGTH }

    /** A context of model 'tiny' with these options, as the host hands it to a family. */
    static ModelContext context(Map<String, Object> options) {
        ModelInfo info = new ModelInfo("tiny", "test", "classpath", Path.of("/models/tiny"), "cpu");
        return new ModelContext() {
            @Override
            public ModelFolder folder() {
                throw new UnsupportedOperationException();
            }

            @Override
            public ModelInfo info() {
                return info;
            }

            @Override
            public SessionFactory sessions() {
                throw new UnsupportedOperationException();
            }

            @Override
            public TokenizerFactory tokenizers() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Map<String, Object> options() {
                return options;
            }
        };
    }

    /** Options as the host reads them from genloom-model.yaml: Jackson's plain Java values. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parsed(String json) throws Exception {
        return new ObjectMapper().readValue(json, Map.class);
    }

    static GenloomException refused(ModelContext ctx, String key, Class<?> type) {
        GenloomException e = assertThrows(GenloomException.class, () -> ctx.option(key, type));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("load option " + key + " of model 'tiny'"), e.getMessage());
        assertTrue(e.hint().contains("genloom-model.yaml"), e.hint());
        return e;
    }

    @Test
    void booleansFromYamlAndFromText() throws Exception {
        ModelContext yaml = context(parsed("{\"cache\": false, \"other\": true}"));
        assertFalse(yaml.option("cache", Boolean.class, true));
        assertTrue(yaml.option("other", Boolean.class, false));
        assertTrue(yaml.option("absent", Boolean.class, true), "the default where the key is absent");
        ModelContext text = context(Map.of("a", "false", "b", " TRUE ", "c", "yes", "d", "off"));
        assertEquals(Optional.of(false), text.option("a", Boolean.class));
        assertEquals(Optional.of(true), text.option("b", Boolean.class));
        assertEquals(Optional.of(true), text.option("c", Boolean.class));
        assertEquals(Optional.of(false), text.option("d", boolean.class));

        ModelContext bad = context(Map.of("cache", "maybe", "one", 1, "list", List.of(true)));
        assertTrue(refused(bad, "cache", Boolean.class).getMessage().endsWith("must be true or false, got 'maybe'"));
        assertTrue(refused(bad, "one", Boolean.class).getMessage().endsWith("must be true or false, got 1"));
        assertTrue(refused(bad, "list", Boolean.class).getMessage().endsWith("got the list [true]"));
    }

    @Test
    void wholeNumbersInRange() throws Exception {
        ModelContext yaml = context(parsed("{\"beams\": 4, \"big\": 5000000000, \"two\": 2.0}"));
        assertEquals(4, yaml.option("beams", Integer.class, 1));
        assertEquals(5_000_000_000L, yaml.option("big", Long.class, 0L));
        assertEquals(2, yaml.option("two", int.class, 0));
        ModelContext text = context(Map.of("a", " 12 ", "b", "-3", "c", "1e3", "d", BigInteger.TEN));
        assertEquals(12, text.option("a", Integer.class, 0));
        assertEquals(-3L, text.option("b", Long.class, 0L));
        assertEquals(1000, text.option("c", Integer.class, 0));
        assertEquals(10, text.option("d", Integer.class, 0));

        ModelContext bad = context(Map.of("half", 2.5, "text", "four", "big", 5_000_000_000L, "hex", "0x10",
                "empty", ""));
        assertTrue(refused(bad, "half", Integer.class).getMessage().endsWith("must be a whole number, got 2.5"));
        assertTrue(refused(bad, "text", Integer.class).getMessage().endsWith("must be a whole number, got 'four'"));
        assertTrue(refused(bad, "big", Integer.class).getMessage()
                .endsWith("must be a whole number from -2147483648 to 2147483647, got 5000000000"));
        refused(bad, "hex", Long.class);
        refused(bad, "empty", Integer.class);
    }

    @Test
    void numbers() throws Exception {
        ModelContext yaml = context(parsed("{\"t\": 0.7, \"n\": 3}"));
        assertEquals(0.7, yaml.option("t", Double.class, 1.0));
        assertEquals(3.0, yaml.option("n", double.class, 1.0));
        ModelContext text = context(Map.of("a", "0.5", "b", "-1e-3"));
        assertEquals(0.5, text.option("a", Double.class, 0.0));
        assertEquals(-1e-3, text.option("b", Double.class, 0.0));

        ModelContext bad = context(Map.of("nan", "NaN", "inf", Double.POSITIVE_INFINITY, "suffix", "1d",
                "huge", "1e400", "flag", true));
        assertTrue(refused(bad, "nan", Double.class).getMessage().endsWith("must be a number, got 'NaN'"));
        refused(bad, "inf", Double.class);
        refused(bad, "suffix", Double.class);
        assertTrue(refused(bad, "huge", Double.class).getMessage().contains("within the range of a double"));
        refused(bad, "flag", Double.class);
    }

    @Test
    void textFromAnySingleValue() {
        ModelContext ctx = context(Map.of("file", "onnx/model_fp16.onnx", "n", 3, "flag", false,
                "path", Path.of("a/b.onnx"), "list", List.of("a"), "map", Map.of("k", "v")));
        assertEquals("onnx/model_fp16.onnx", ctx.option("file", String.class, null));
        assertEquals("3", ctx.option("n", String.class, null));
        assertEquals("false", ctx.option("flag", String.class, null));
        assertEquals(Path.of("a/b.onnx").toString(), ctx.option("path", String.class, null));
        assertEquals(Optional.empty(), ctx.option("absent", String.class));
        assertTrue(refused(ctx, "list", String.class).getMessage()
                .endsWith("must be a single value, got the list [a]"));
        assertTrue(refused(ctx, "map", String.class).getMessage().endsWith("got the mapping {k=v}"));
    }

    @Test
    void enumsByNameInAnyCase() {
        ModelContext ctx = context(Map.of("a", "split", "b", " MERGED ", "c", "max-length", "d", Decoder.AUTO,
                "e", "both"));
        assertEquals(Decoder.SPLIT, ctx.option("a", Decoder.class, Decoder.AUTO));
        assertEquals(Decoder.MERGED, ctx.option("b", Decoder.class, Decoder.AUTO));
        assertEquals(Decoder.MAX_LENGTH, ctx.option("c", Decoder.class, Decoder.AUTO));
        assertEquals(Decoder.AUTO, ctx.option("d", Decoder.class, Decoder.SPLIT));
        assertEquals(Decoder.AUTO, ctx.option("absent", Decoder.class, Decoder.AUTO));
        assertTrue(refused(ctx, "e", Decoder.class).getMessage()
                .endsWith("must be one of auto, merged, split, max_length, got 'both'"));
        // an enum whose toString is its configuration name
        assertEquals(Dtype.Q4F16, context(Map.of("dtype", "q4f16")).option("dtype", Dtype.class, Dtype.FP32));
    }

    @Test
    void listsFromYamlOrCommaSeparatedText() throws Exception {
        assertEquals(List.of("en", "de"), context(parsed("{\"l\": [\"en\", \"de\"]}")).listOption("l"));
        assertEquals(List.of("en", "de"), context(Map.of("l", " en, de ,")).listOption("l"));
        assertEquals(List.of("en"), context(Map.of("l", "en")).listOption("l"));
        assertEquals(List.of("1", "true"), context(Map.of("l", List.of(1, true))).listOption("l"));
        assertEquals(List.of(), context(Map.of()).listOption("l"));
        GenloomException nested = assertThrows(GenloomException.class,
                () -> context(Map.of("l", List.of(List.of("x")))).listOption("l"));
        assertEquals(ErrorKind.INVALID_INPUT, nested.kind());
        assertTrue(nested.getMessage().endsWith("must be a list of text, got the list [[x]]"), nested.getMessage());
        assertThrows(GenloomException.class, () -> context(Map.of("l", Map.of("a", 1))).listOption("l"));
    }

    @Test
    void nullIsAbsentAndUnsupportedTypesAreTheCallersError() {
        Map<String, Object> options = new HashMap<>();
        options.put("cache", null);
        assertTrue(context(options).option("cache", Boolean.class, true));
        assertEquals(List.of(), LoadOptions.strings(options, "cache", "tiny"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> context(Map.of("x", "1")).option("x", JsonNode.class));
        assertTrue(e.getMessage().contains("JsonNode"), e.getMessage());
    }
}
