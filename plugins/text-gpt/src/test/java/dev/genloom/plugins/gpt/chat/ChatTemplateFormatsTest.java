package dev.genloom.plugins.gpt.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.zoo.testkit.lm.LlamaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full renders of templates written in the style of real model families (not copies of them), for a
 * system + user + assistant conversation, with and without the generation prompt.
 */
class ChatTemplateFormatsTest {

    static final List<Message> CONVERSATION = List.of(
            Message.system("You are a helpful assistant."),
            Message.user("What is 2+2?"),
            Message.assistant("4."));

    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode config(String template, String bos, String eos) {
        ObjectNode o = JSON.createObjectNode();
        o.put("bos_token", bos);
        o.put("eos_token", eos);
        o.put("chat_template", template);
        return o;
    }

    static ChatTemplate load(String template, String bos, String eos) {
        return ChatTemplate.fromTokenizerConfig(config(template, bos, eos), Optional.empty()).orElseThrow();
    }

    // ---- Llama 3 style: header tokens, eot after each turn, whitespace control everywhere ----------

    static final String LLAMA3_STYLE = """
            {{- bos_token }}
            {%- if messages[0]['role'] == 'system' %}
                {%- set system_text = messages[0]['content'] | trim %}
                {%- set rest = messages[1:] %}
            {%- else %}
                {%- set system_text = '' %}
                {%- set rest = messages %}
            {%- endif %}
            {%- if system_text %}
                {{- '<|start_header_id|>system<|end_header_id|>\\n\\n' + system_text + '<|eot_id|>' }}
            {%- endif %}
            {%- for m in rest %}
                {{- '<|start_header_id|>' ~ m.role ~ '<|end_header_id|>\\n\\n' ~ (m.content | trim) ~ '<|eot_id|>' }}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
            {%- endif %}
            """;

    @Test
    void llama3Style() {
        ChatTemplate t = load(LLAMA3_STYLE, "<|begin_of_text|>", "<|eot_id|>");
        String expected = "<|begin_of_text|>"
                + "<|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n4.<|eot_id|>";
        assertEquals(expected, t.render(CONVERSATION, false, Map.of()));
        assertEquals(expected + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(CONVERSATION, true, Map.of()));
    }

    // ---- ChatML / Qwen2 style: relies on trim_blocks + lstrip_blocks, default system prompt --------

    static final String CHATML_STYLE = """
            {% for message in messages %}
                {% if loop.first and message.role != 'system' %}
            <|im_start|>system
            You are Genloom Assistant, a helpful assistant.<|im_end|>
                {% endif %}
            <|im_start|>{{ message.role }}
            {{ message.content }}<|im_end|>
            {% endfor %}
            {% if add_generation_prompt %}
            <|im_start|>assistant
            {% endif %}
            """;

    @Test
    void chatmlStyle() {
        ChatTemplate t = load(CHATML_STYLE, null, "<|im_end|>");
        String expected = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n4.<|im_end|>\n";
        assertEquals(expected, t.render(CONVERSATION, false, Map.of()));
        assertEquals(expected + "<|im_start|>assistant\n", t.render(CONVERSATION, true, Map.of()));
    }

    @Test
    void chatmlStyleAddsTheDefaultSystemPrompt() {
        ChatTemplate t = load(CHATML_STYLE, null, "<|im_end|>");
        String out = t.render(List.of(Message.user("Hi"), Message.assistant("Hello!"), Message.user("Bye")), true, Map.of());
        assertEquals("<|im_start|>system\nYou are Genloom Assistant, a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello!<|im_end|>\n"
                + "<|im_start|>user\nBye<|im_end|>\n"
                + "<|im_start|>assistant\n", out);
    }

    // ---- Mistral [INST] style: system folded into the first user turn, alternation enforced ------

    static final String MISTRAL_STYLE = """
            {%- if messages[0].role == 'system' %}
                {%- set system_message = messages[0].content %}
                {%- set loop_messages = messages[1:] %}
            {%- else %}
                {%- set loop_messages = messages %}
            {%- endif %}
            {{- bos_token }}
            {%- for message in loop_messages %}
                {%- if (message.role == 'user') != (loop.index0 % 2 == 0) %}
                    {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
                {%- endif %}
                {%- if message.role == 'user' %}
                    {%- if loop.first and system_message is defined %}
                        {{- ' [INST] ' + system_message + '\\n\\n' + message.content + ' [/INST]' }}
                    {%- else %}
                        {{- ' [INST] ' + message.content + ' [/INST]' }}
                    {%- endif %}
                {%- elif message.role == 'assistant' %}
                    {{- ' ' + message.content + eos_token }}
                {%- else %}
                    {{- raise_exception('Only user and assistant roles are supported, got ' ~ message.role) }}
                {%- endif %}
            {%- endfor %}
            """;

    @Test
    void mistralStyle() {
        ChatTemplate t = load(MISTRAL_STYLE, "<s>", "</s>");
        String expected = "<s> [INST] You are a helpful assistant.\n\nWhat is 2+2? [/INST] 4.</s>";
        assertEquals(expected, t.render(CONVERSATION, false, Map.of()));
        // the format has no generation prompt: the prompt ends with [/INST] already
        assertEquals(expected, t.render(CONVERSATION, true, Map.of()));
        assertEquals("<s> [INST] Hi [/INST] Hello!</s> [INST] Bye [/INST]",
                t.render(List.of(Message.user("Hi"), Message.assistant("Hello!"), Message.user("Bye")), true, Map.of()));
    }

    @Test
    void mistralStyleRaisesOnBrokenAlternation() {
        ChatTemplate t = load(MISTRAL_STYLE, "<s>", "</s>");
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> t.render(List.of(Message.user("a"), Message.user("b")), true, Map.of()));
        assertEquals(ChatTemplateException.Kind.RAISED, e.kind());
        assertEquals("Conversation roles must alternate user/assistant/user/assistant/...", e.detail());
        assertEquals(10, e.line());
        assertEquals(13, e.column());
        assertTrue(e.getMessage().contains("line 10, column 13"), e.getMessage());

        ChatTemplateException role = assertThrows(ChatTemplateException.class,
                () -> t.render(List.of(Message.user("a"), new Message("tool", "x")), false, Map.of()));
        assertEquals("Only user and assistant roles are supported, got tool", role.detail());
        assertEquals(21, role.line());
    }

    // ---- Zephyr style: no whitespace control, the newline after each {{ }} is part of the format --

    static final String ZEPHYR_STYLE = """
            {% for message in messages %}
            {% if message['role'] == 'user' %}
            {{ '<|user|>\\n' + message['content'] + eos_token }}
            {% elif message['role'] == 'system' %}
            {{ '<|system|>\\n' + message['content'] + eos_token }}
            {% elif message['role'] == 'assistant' %}
            {{ '<|assistant|>\\n'  + message['content'] + eos_token }}
            {% endif %}
            {% if loop.last and add_generation_prompt %}
            {{ '<|assistant|>' }}
            {% endif %}
            {% endfor %}""";

    @Test
    void zephyrStyle() {
        ChatTemplate t = load(ZEPHYR_STYLE, "<s>", "</s>");
        String expected = "<|system|>\nYou are a helpful assistant.</s>\n"
                + "<|user|>\nWhat is 2+2?</s>\n"
                + "<|assistant|>\n4.</s>\n";
        assertEquals(expected, t.render(CONVERSATION, false, Map.of()));
        assertEquals(expected + "<|assistant|>\n", t.render(CONVERSATION, true, Map.of()));
    }

    // ---- a tool-aware template with namespace, tojson, strftime-style extras --------------------

    static final String TOOLS_STYLE = """
            {%- set ns = namespace(system='', last_user=-1) %}
            {%- for m in messages %}
                {%- if m.role == 'system' %}{% set ns.system = m.content %}{% endif %}
                {%- if m.role == 'user' %}{% set ns.last_user = loop.index0 %}{% endif %}
            {%- endfor %}
            {{- '<|system|>' + (ns.system or 'Be brief.') }}
            {%- if tools is defined and tools %}
                {{- '\\nTools:' }}
                {%- for tool in tools %}
                    {{- '\\n' + tool | tojson }}
                {%- endfor %}
            {%- endif %}
            {{- '\\nToday: ' + date_string | default('unknown') + '\\n' }}
            {%- for m in messages if m.role != 'system' %}
                {{- '<|' + m.role + '|>' + m.content }}
                {%- if loop.index0 + 1 == ns.last_user %}{{ '<|last user next|>' }}{% endif %}
                {{- '\\n' }}
            {%- endfor %}
            {%- if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}
            """;

    @Test
    void toolStyleWithExtras() {
        ChatTemplate t = ChatTemplate.parse(TOOLS_STYLE);
        List<Object> tools = List.of(Map.of("name", "add"));
        String out = t.render(CONVERSATION, true, Map.of("tools", tools, "date_string", "05 Jul 2024"));
        assertEquals("<|system|>You are a helpful assistant.\nTools:\n{\"name\": \"add\"}\nToday: 05 Jul 2024\n"
                + "<|user|>What is 2+2?<|last user next|>\n<|assistant|>4.\n<|assistant|>", out);
        assertEquals("<|system|>Be brief.\nToday: unknown\n<|user|>Hi\n",
                t.render(List.of(Message.user("Hi")), false, Map.of()));
    }

    // ---- the test kit's Llama template ---------------------------------------------------------

    @Test
    void testKitLlamaTemplate() {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("chat_template", LlamaModel.CHAT_TEMPLATE);
        // AddedToken-like special tokens, as some tokenizer_config.json files store them
        cfg.putObject("bos_token").put("content", LlamaModel.BOS).put("lstrip", false);
        cfg.putObject("eos_token").put("content", LlamaModel.EOT);
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(cfg, Optional.empty()).orElseThrow();
        assertEquals(LlamaModel.BOS, t.specialTokens().get("bos_token"));
        List<Message> conversation = List.of(
                Message.system("You are a helpful assistant."),
                Message.user("  What is 2+2? \n"),
                Message.assistant("4."));
        String expected = LlamaModel.BOS
                + LlamaModel.START_HEADER + "system" + LlamaModel.END_HEADER + "\n\nYou are a helpful assistant." + LlamaModel.EOT
                + LlamaModel.START_HEADER + "user" + LlamaModel.END_HEADER + "\n\nWhat is 2+2?" + LlamaModel.EOT
                + LlamaModel.START_HEADER + "assistant" + LlamaModel.END_HEADER + "\n\n4." + LlamaModel.EOT;
        assertEquals(expected, t.render(conversation, false, Map.of()));
        assertEquals(expected + LlamaModel.START_HEADER + "assistant" + LlamaModel.END_HEADER + "\n\n",
                t.render(conversation, true, Map.of()));
    }

    @Test
    void testKitLlamaFolderTokenizerConfig(@TempDir Path dir) throws Exception {
        Path folder = LlamaModel.write(dir.resolve("llama"), LlamaModel.TINY);
        JsonNode cfg = JSON.readTree(Files.readString(folder.resolve("tokenizer_config.json")));
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(cfg, Optional.empty()).orElseThrow();
        assertEquals(LlamaModel.BOS + LlamaModel.START_HEADER + "user" + LlamaModel.END_HEADER + "\n\nHi" + LlamaModel.EOT
                + LlamaModel.START_HEADER + "assistant" + LlamaModel.END_HEADER + "\n\n",
                t.render(List.of(Message.user("Hi")), true, Map.of()));
    }

    // ---- locating the template -----------------------------------------------------------------

    @Test
    void noTemplateGivesEmpty() {
        ObjectNode gpt2 = JSON.createObjectNode();
        gpt2.put("bos_token", "<|endoftext|>");
        assertTrue(ChatTemplate.fromTokenizerConfig(gpt2, Optional.empty()).isEmpty());
        gpt2.putNull("chat_template");
        assertTrue(ChatTemplate.fromTokenizerConfig(gpt2, Optional.empty()).isEmpty());
    }

    @Test
    void namedTemplatesPickDefault() {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.putArray("chat_template")
                .add(JSON.createObjectNode().put("name", "tool_use").put("template", "TOOLS"))
                .add(JSON.createObjectNode().put("name", "default").put("template", "DEFAULT {{ messages | length }}"));
        assertEquals("DEFAULT 1", ChatTemplate.fromTokenizerConfig(cfg, Optional.empty()).orElseThrow()
                .render(List.of(Message.user("x")), false, Map.of()));
        assertEquals("TOOLS", ChatTemplate.fromTokenizerConfig(cfg, Optional.empty(), "tool_use").orElseThrow()
                .render(List.of(), false, Map.of()));

        ObjectNode noDefault = JSON.createObjectNode();
        noDefault.putArray("chat_template").add(JSON.createObjectNode().put("name", "rag").put("template", "R"));
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> ChatTemplate.fromTokenizerConfig(noDefault, Optional.empty()));
        assertTrue(e.getMessage().contains("rag"), e.getMessage());
    }

    @Test
    void jinjaFileWinsOverConfig() {
        ObjectNode cfg = config("FROM CONFIG", "<s>", "</s>");
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(cfg, Optional.of("FROM FILE {{ bos_token }}")).orElseThrow();
        assertEquals("FROM FILE <s>", t.render(List.of(), false, Map.of()));
    }

    @Test
    void toolsAndDocumentsAreNoneUnlessGiven() {
        ChatTemplate t = ChatTemplate.parse("{{ tools is none }} {{ documents is none }} {{ tools is not none }}");
        assertEquals("True True False", t.render(List.of(), false, Map.of()));
        assertEquals("False True True", t.render(List.of(), false, Map.of("tools", List.of())));
    }

    /** Qwen-2.5-style search for the last real user query, walking the conversation backwards. */
    @Test
    void reversedWalkWithNamespace() {
        String template = """
                {%- set ns = namespace(last_query=messages | length - 1, done=false) %}
                {%- for m in messages[::-1] %}
                    {%- set i = messages | length - 1 - loop.index0 %}
                    {%- if not ns.done and m.role == 'user' and m.content is string and not m.content.startswith('<tool_response>') %}
                        {%- set ns.done = true %}
                        {%- set ns.last_query = i %}
                    {%- endif %}
                {%- endfor %}
                {{- ns.last_query }}""";
        List<Message> ms = List.of(Message.user("q1"), Message.assistant("call"), Message.user("<tool_response>42"),
                Message.assistant("done"));
        assertEquals("0", ChatTemplate.parse(template).render(ms, false, Map.of()));
    }

    @Test
    void messageExtraFieldsAndNullContent() {
        ChatTemplate t = ChatTemplate.parse("{% for m in messages %}{{ m.role }}:{{ m.content }}"
                + "{% if m.tool_calls is defined %}{% for c in m.tool_calls %}[{{ c.name }}({{ c.arguments | tojson }})]{% endfor %}{% endif %};{% endfor %}");
        Message call = new Message("assistant", null, Map.of("tool_calls", List.of(Map.of("name", "add", "arguments", Map.of("a", 1)))));
        assertEquals("user:hi;assistant:None[add({\"a\": 1})];", t.render(List.of(Message.user("hi"), call), false, Map.of()));
    }

    @Test
    void extrasOverrideSpecialTokens() {
        ChatTemplate t = load("{{ bos_token }}|{{ eos_token }}|{{ add_generation_prompt }}", "<s>", "</s>");
        assertEquals("<BOS>|</s>|True", t.render(List.of(), true, Map.of("bos_token", "<BOS>")));
    }
}
