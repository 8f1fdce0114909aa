package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.genloom.runtime.media.WavCodec;
import dev.genloom.api.SpeechOptions;
import dev.genloom.api.TextToAudio;
import dev.genloom.api.media.Audio;
import dev.genloom.api.task.Tasks;
import dev.genloom.runtime.Genloom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "text-to-audio", description = "Speak a text into a WAV file.")
final class TextToAudioCommand extends ModelCommand implements Callable<Integer> {
    @Option(names = "--speaker", paramLabel = "ID", description = "speaker id of a multi-speaker model")
    Integer speaker;
    @Option(names = "--speed", paramLabel = "X", description = "speaking rate (1 = the model's own)")
    Double speed;
    @Option(names = "--seed", paramLabel = "S", description = "seed of the model's sampling")
    Long seed;
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.wav", description = "where to write the WAV")
    Path output;
    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "what to say")
    List<String> text;

    @Override
    public Integer call() {
        SpeechOptions options = Tasks.TEXT_TO_AUDIO.options(given("speaker", speaker, "speed", speed, "seed", seed));
        try (Genloom genloom = root.open()) {
            TextToAudio model = genloom.model(this.model, TextToAudio.class, family);
            Audio audio = model.synthesize(String.join(" ", text), options);
            WavCodec.write(audio, output);
            if (root.json()) {
                out().println(JsonNodeFactory.instance.objectNode().put("file", output.toString())
                        .put("sampleRate", audio.sampleRate()).put("seconds", audio.durationSeconds()).toPrettyString());
            } else {
                out().println(output);
            }
            out().flush();
        }
        return 0;
    }
}
