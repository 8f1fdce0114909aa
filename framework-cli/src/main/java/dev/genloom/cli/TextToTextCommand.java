package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.ChatMessage;
import dev.genloom.api.Generation;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.api.TokenListener;
import dev.genloom.api.task.Tasks;
import dev.genloom.runtime.Genloom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "text-to-text", description = "Continue a prompt with a language model; the text streams to stdout.")
final class TextToTextCommand extends ModelCommand implements Callable<Integer> {
    static final OptionTable<TextOptions> OPTIONS = OptionTable.of(Tasks.TEXT_TO_TEXT)
            .option("maxNewTokens", "N", "at most N new tokens")
            .option("minNewTokens", "N", "no end of sequence before N tokens")
            .option("doSample", null, "sample (default: as the model's generation_config.json)", "--sample")
            .option("temperature", "T", "sampling temperature (>= 0; 0 = greedy)")
            .option("topK", "K", "sample among the K most likely tokens")
            .option("topP", "P", "nucleus sampling, P in (0, 1]")
            .option("minP", "P", "drop tokens below P times the most likely")
            .option("repetitionPenalty", "R", "> 1 discourages repeats")
            .option("noRepeatNgramSize", "N", "never repeat an N-gram")
            .option("seed", "S", "sampling seed")
            .option("stop", "STRING", "stop before this string (repeatable)")
            .option("truncatePrompt", null, "keep the end of a prompt longer than the context", "--truncate");

    @Option(names = "--chat", description = "the prompt is a user message, formatted with the model's chat template")
    boolean chat;
    @Option(names = "--system", paramLabel = "TEXT", description = "a system message before the user's (implies --chat)")
    String system;
    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "the prompt (- reads it from stdin)")
    List<String> prompt;

    @Override
    OptionTable<TextOptions> options() {
        return OPTIONS;
    }

    @Override
    public Integer call() throws IOException {
        String text = String.join(" ", prompt);
        if (text.equals("-")) {
            doing("reading the prompt from stdin");
            text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        }
        TextOptions options = OPTIONS.bind(spec);
        GenloomException.require(!text.isBlank(), "the prompt is empty");
        PrintWriter out = out();
        try (Genloom genloom = open()) {
            doing("loading model " + model);
            TextToText lm = genloom.model(model, TextToText.class, family);
            doing("generating with model " + model);
            TokenListener stream = root.json() ? TokenListener.NONE : piece -> {
                out.print(piece);
                out.flush();
            };
            Generation g;
            if (chat || system != null) {
                List<ChatMessage> messages = new ArrayList<>();
                if (system != null) {
                    messages.add(ChatMessage.system(system));
                }
                messages.add(ChatMessage.user(text));
                g = lm.chat(messages, options, stream);
            } else {
                g = lm.generate(text, options, stream);
            }
            if (root.json()) {
                ObjectNode node = JsonNodeFactory.instance.objectNode().put("model", model).put("text", g.text());
                var ids = node.putArray("tokenIds");
                for (long id : g.tokenIds()) {
                    ids.add(id);
                }
                node.put("promptTokens", g.promptTokens()).put("generatedTokens", g.generatedTokens())
                        .put("finishReason", g.finishReason().name().toLowerCase());
                double decodeSeconds = g.decodeNanos() / 1e9;
                node.putObject("timings").put("prefillMillis", g.prefillNanos() / 1e6)
                        .put("decodeMillis", g.decodeNanos() / 1e6)
                        .put("decodeTokensPerSecond", g.generatedTokens() > 1 && decodeSeconds > 0
                                ? (g.generatedTokens() - 1) / decodeSeconds : 0);
                out.println(node.toPrettyString());
            } else {
                out.println();
            }
            out.flush();
        }
        return 0;
    }
}
