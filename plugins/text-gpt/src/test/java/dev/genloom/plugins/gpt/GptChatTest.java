package dev.genloom.plugins.gpt;

import dev.genloom.api.ChatMessage;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.Generation;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.runtime.Genloom;
import dev.genloom.cli.GenloomCli;
import dev.genloom.zoo.testkit.lm.Gpt2Model;
import dev.genloom.zoo.testkit.lm.LlamaModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chat through the model's own chat template, on the test kit. */
class GptChatTest {
    @TempDir
    static Path models;
    static Genloom genloom;

    static final TextOptions GREEDY = TextOptions.defaults().withDoSample(false).withMaxNewTokens(6).withMinNewTokens(6);
    static final List<ChatMessage> MESSAGES = List.of(ChatMessage.system("be brief"), ChatMessage.user("hello there"));

    @BeforeAll
    static void setUp() {
        Gpt2Model.write(models.resolve("gpt2-tiny"), Gpt2Model.TINY);
        LlamaModel.write(models.resolve("llama-tiny"), LlamaModel.TINY);
        genloom = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build();
    }

    @AfterAll
    static void tearDown() {
        genloom.close();
    }

    @Test
    void chatFormatsWithTheTemplateAndEncodesWithoutASecondBos() throws Exception {
        TextToText lm = genloom.textToText(models.resolve("llama-tiny").toString());
        Generation chat = lm.chat(MESSAGES, GREEDY, piece -> { });

        // the template as rendered by the plugin's engine, fed as a plain prompt without special tokens
        String rendered = dev.genloom.plugins.gpt.chat.ChatTemplate.parse(LlamaModel.CHAT_TEMPLATE)
                .withSpecialTokens(specialTokens())
                .render(List.of(dev.genloom.plugins.gpt.chat.Message.system("be brief"),
                        dev.genloom.plugins.gpt.chat.Message.user("hello there")), true, Map.of());
        assertTrue(rendered.contains("be brief") && rendered.contains("hello there"), rendered);
        try (var tokenizer = genloom.tokenizers().load(models.resolve("llama-tiny/tokenizer.json"))) {
            long[] withoutSpecials = tokenizer.encode(rendered, false).ids();
            long[] withSpecials = tokenizer.encode(rendered, true).ids();
            assertEquals(withoutSpecials.length, chat.promptTokens(), "the chat prompt is encoded without adding a BOS");
            assertTrue(withSpecials.length > withoutSpecials.length, "the tokenizer would have added a BOS");
        }
        assertEquals(6, chat.generatedTokens());
        // greedy chat is deterministic
        assertArrayEquals(chat.tokenIds(), lm.chat(MESSAGES, GREEDY, piece -> { }).tokenIds());
    }

    private static Map<String, String> specialTokens() throws Exception {
        var config = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(models.resolve("llama-tiny/tokenizer_config.json").toFile());
        Map<String, String> tokens = new java.util.HashMap<>();
        for (String key : List.of("bos_token", "eos_token")) {
            if (config.hasNonNull(key)) {
                tokens.put(key, config.get(key).isTextual() ? config.get(key).asText() : config.get(key).path("content").asText());
            }
        }
        return tokens;
    }

    @Test
    void aModelWithoutTemplateSaysSo() {
        TextToText lm = genloom.textToText(models.resolve("gpt2-tiny").toString());
        GenloomException e = assertThrows(GenloomException.class, () -> lm.chat(MESSAGES, GREEDY, piece -> { }));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("has no chat template"), e.getMessage());
    }

    @Test
    void aBrokenTemplateFailsChatButNotGenerate() throws Exception {
        Path broken = models.resolve("llama-broken");
        LlamaModel.write(broken, LlamaModel.TINY);
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(
                broken.resolve("tokenizer_config.json").toFile());
        config.put("chat_template", "{% for m in messages %}{{ m.content }");
        Files.writeString(broken.resolve("tokenizer_config.json"), config.toString());
        TextToText lm = genloom.textToText(broken.toString());
        assertEquals(6, lm.generate("hello", GREEDY).generatedTokens());
        GenloomException e = assertThrows(GenloomException.class, () -> lm.chat(MESSAGES, GREEDY, piece -> { }));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains("chat template"), e.getMessage());
    }

    @Test
    void theCliChatsWithASystemMessage() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(new String[] {"--models", models.toString(), "-q", "text-to-text", "-m",
            "llama-tiny", "--system", "be brief", "--max-new-tokens", "6", "--min-new-tokens", "6", "--no-sample",
            "--json", "hello there"}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, status, err.toString());
        Generation direct = genloom.textToText(models.resolve("llama-tiny").toString()).chat(MESSAGES, GREEDY, p -> { });
        assertTrue(out.toString().contains("\"generatedTokens\" : 6"), out.toString());
        assertTrue(out.toString().contains("\"promptTokens\" : " + direct.promptTokens()), out.toString());

        StringWriter err2 = new StringWriter();
        int refused = GenloomCli.execute(new String[] {"--models", models.toString(), "-q", "text-to-text", "-m",
            "gpt2-tiny", "--chat", "hello"}, new PrintWriter(new StringWriter()), new PrintWriter(err2));
        assertEquals(2, refused);
        assertTrue(err2.toString().contains("no chat template"), err2.toString());
    }
}
