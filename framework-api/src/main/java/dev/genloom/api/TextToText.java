package dev.genloom.api;

import java.util.ArrayList;
import java.util.List;

/** Text-to-text: a language model that continues a prompt. */
public interface TextToText extends Model {

    /** Continues the prompt, telling the listener of each piece of text as it is generated. */
    Generation generate(String prompt, TextOptions options, TokenListener listener);

    /** Continues the prompt with these options. */
    default Generation generate(String prompt, TextOptions options) {
        return generate(prompt, options, TokenListener.NONE);
    }

    /** Continues the prompt with the default options (those of the model's {@code generation_config.json}). */
    default Generation generate(String prompt) {
        return generate(prompt, TextOptions.defaults(), TokenListener.NONE);
    }

    /**
     * Continues several prompts; each result equals what {@link #generate} gives for that prompt
     * alone. Models that batch on the device override this.
     */
    default List<Generation> generateBatch(List<String> prompts, TextOptions options) {
        List<Generation> out = new ArrayList<>(prompts.size());
        for (String prompt : prompts) {
            out.add(generate(prompt, options, TokenListener.NONE));
        }
        return out;
    }

    /** Answers a chat, formatted with the model's chat template. */
    default Generation chat(List<ChatMessage> messages, TextOptions options, TokenListener listener) {
        throw GenloomException.unsupported("model '" + info().name() + "' does not support chat",
                "use generate() with a plain prompt");
    }
}
