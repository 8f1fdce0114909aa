package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.AudioStream;
import dev.genloom.api.task.Tasks;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.media.AudioFiles;
import dev.genloom.cli.io.TranscriptFormats;
import dev.genloom.cli.io.Values;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "speech-to-text", description = "Transcribe audio files (several files share the loaded model).")
final class SpeechToTextCommand extends ModelCommand implements Callable<Integer> {
    static final OptionTable<TranscriptionOptions> OPTIONS = OptionTable.of(Tasks.SPEECH_TO_TEXT)
            .option("language", "L", "spoken language, e.g. en (default: the model's, or detected)")
            .option("task", "TASK", "transcribe or translate (into English)")
            .option("timestamps", null, "timed segments")
            .option("vad", null, "skip silence with a voice-activity detector")
            .option("beams", "N", "beam width (1 = greedy)");

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "txt",
            description = "txt (the transcript alone), srt, vtt or json (default: ${DEFAULT-VALUE})")
    String format;
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "audio files: WAV, or anything FFmpeg decodes (MP3, FLAC, Ogg, M4A, a video's sound)")
    List<Path> files;

    @Override
    OptionTable<TranscriptionOptions> options() {
        return OPTIONS;
    }

    @Override
    public Integer call() {
        boolean subtitles = format.equalsIgnoreCase("srt") || format.equalsIgnoreCase("vtt");
        TranscriptionOptions options = subtitles ? OPTIONS.bind(spec, Map.of("timestamps", true)) : OPTIONS.bind(spec);
        TranscriptFormats.render(new Transcript("", null, List.of()), format); // unknown format: fail before loading
        for (Path f : files) { // refuse a missing or unreadable file before loading the model
            doing("reading audio file " + f);
            AudioFiles.open(f).close();
        }
        PrintWriter out = out();
        try (Genloom genloom = open()) {
            doing("loading model " + model);
            SpeechToText stt = genloom.model(model, SpeechToText.class, family);
            ArrayNode results = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < files.size(); i++) {
                doing("transcribing " + files.get(i) + " with model " + model);
                Transcript t;
                // Read as it is transcribed: memory stays bounded whatever the file's length. The bar
                // counts the audio's seconds (in milliseconds, for a smooth bar) up to each segment's end.
                try (AudioStream audio = AudioFiles.open(files.get(i))) {
                    long frames = audio.frames();
                    long total = frames > 0 ? Math.round(frames * 1000.0 / audio.sampleRate()) : 0;
                    try (ProgressBars.Bar bar = bars().open(files.get(i).getFileName().toString(),
                            ProgressBars.Unit.AUDIO_SECONDS, total)) {
                        t = stt.transcribe(audio, options, s -> {
                            long at = Math.round(s.end() * 1000);
                            bar.update(total > 0 ? Math.min(total, at) : at, Math.max(total, at));
                        });
                    }
                }
                if (root.json()) {
                    ObjectNode o = results.addObject().put("file", files.get(i).toString());
                    o.set("transcript", Values.toJson(t));
                } else {
                    if (files.size() > 1) {
                        out.println("==> " + files.get(i) + " <==");
                    }
                    out.print(TranscriptFormats.render(t, format));
                }
            }
            if (root.json()) {
                out.println(results.toPrettyString());
            }
            out.flush();
        }
        return 0;
    }
}
