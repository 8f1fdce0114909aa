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
    static final OptionTable<SpeechOptions> OPTIONS = OptionTable.of(Tasks.TEXT_TO_AUDIO)
            .option("speaker", "ID", "speaker id of a multi-speaker model")
            .option("speed", "X", "speaking rate (1 = the model's own)")
            .option("seed", "S", "seed of the model's sampling")
            .option("noiseScale", "X", "variation of the voice's sound (VITS, Piper: the voice's noise_scale)")
            .option("noiseW", "X", "variation of the phoneme durations (the voice's noise_w)")
            .option("seconds", "S", "length of generated music");

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.wav", description = "where to write the WAV")
    Path output;
    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "what to say")
    List<String> text;

    @Override
    OptionTable<SpeechOptions> options() {
        return OPTIONS;
    }

    @Override
    public Integer call() {
        SpeechOptions options = OPTIONS.bind(spec);
        try (Genloom genloom = open()) {
            doing("loading model " + this.model);
            TextToAudio model = genloom.model(this.model, TextToAudio.class, family);
            doing("speaking with model " + this.model);
            Audio audio = model.synthesize(String.join(" ", text), options);
            doing("writing " + output);
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
