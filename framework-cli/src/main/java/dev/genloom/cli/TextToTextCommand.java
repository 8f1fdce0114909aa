package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "text-to-text", description = "Continue a prompt with a language model; the text streams to stdout.")
final class TextToTextCommand extends ModelCommand implements Callable<Integer> {
    @Option(names = "--max-new-tokens", paramLabel = "N", description = "at most N new tokens")
    Integer maxNewTokens;
    @Option(names = "--min-new-tokens", paramLabel = "N", description = "no end of sequence before N tokens")
    Integer minNewTokens;
    @Option(names = "--sample", negatable = true, description = "sample (default: as the model's generation_config.json)")
    Boolean sample;
    @Option(names = "--temperature", paramLabel = "T", description = "sampling temperature (>= 0; 0 = greedy)")
    Double temperature;
    @Option(names = "--top-k", paramLabel = "K", description = "sample among the K most likely tokens")
    Integer topK;
    @Option(names = "--top-p", paramLabel = "P", description = "nucleus sampling, P in (0, 1]")
    Double topP;
    @Option(names = "--min-p", paramLabel = "P", description = "drop tokens below P times the most likely")
    Double minP;
    @Option(names = "--repetition-penalty", paramLabel = "R", description = "> 1 discourages repeats")
    Double repetitionPenalty;
    @Option(names = "--no-repeat-ngram-size", paramLabel = "N", description = "never repeat an N-gram")
    Integer noRepeatNgramSize;
    @Option(names = "--seed", paramLabel = "S", description = "sampling seed")
    Long seed;
    @Option(names = "--stop", paramLabel = "STRING", description = "stop before this string (repeatable)")
    List<String> stop;
    @Option(names = "--truncate", description = "keep the end of a prompt longer than the context")
    boolean truncate;
    @Option(names = "--chat", description = "the prompt is a user message, formatted with the model's chat template")
    boolean chat;
    @Option(names = "--system", paramLabel = "TEXT", description = "a system message before the user's (implies --chat)")
    String system;
    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "the prompt (- reads it from stdin)")
    List<String> prompt;

    @Override
    public Integer call() throws IOException {
        String text = String.join(" ", prompt);
        if (text.equals("-")) {
            text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        }
        TextOptions options = Tasks.TEXT_TO_TEXT.options(given("maxNewTokens", maxNewTokens,
                "minNewTokens", minNewTokens, "doSample", sample, "temperature", temperature, "topK", topK,
                "topP", topP, "minP", minP, "repetitionPenalty", repetitionPenalty,
                "noRepeatNgramSize", noRepeatNgramSize, "seed", seed, "stop", stop, "truncatePrompt", truncate));
        GenloomException.require(!text.isBlank(), "the prompt is empty");
        PrintWriter out = out();
        try (Genloom genloom = root.open()) {
            TextToText lm = genloom.model(model, TextToText.class, family);
            TokenListener stream = root.json() ? TokenListener.NONE : piece -> {
                out.print(piece);
                out.flush();
            };
            Generation g;
            if (chat || system != null) {
                java.util.List<dev.genloom.api.ChatMessage> messages = new java.util.ArrayList<>();
                if (system != null) {
                    messages.add(dev.genloom.api.ChatMessage.system(system));
                }
                messages.add(dev.genloom.api.ChatMessage.user(text));
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
