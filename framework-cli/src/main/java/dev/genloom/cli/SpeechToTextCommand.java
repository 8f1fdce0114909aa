package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;
import dev.genloom.api.task.Tasks;
import dev.genloom.runtime.Genloom;
import dev.genloom.cli.io.TranscriptFormats;
import dev.genloom.cli.io.Values;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "speech-to-text", description = "Transcribe audio files (several files share the loaded model).")
final class SpeechToTextCommand extends ModelCommand implements Callable<Integer> {
    @Option(names = "--language", paramLabel = "L", description = "spoken language, e.g. en (default: the model's, or detected)")
    String language;
    @Option(names = "--task", paramLabel = "TASK", description = "transcribe or translate (into English)")
    String task;
    @Option(names = "--timestamps", description = "timed segments")
    Boolean timestamps;
    @Option(names = "--vad", description = "skip silence with a voice-activity detector")
    Boolean vad;
    @Option(names = "--beams", paramLabel = "N", description = "beam width (1 = greedy)")
    Integer beams;
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "txt",
            description = "txt (the transcript alone), srt, vtt or json (default: ${DEFAULT-VALUE})")
    String format;
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "audio files: WAV, or anything FFmpeg decodes (MP3, FLAC, Ogg, M4A, a video's sound)")
    List<Path> files;

    @Override
    public Integer call() {
        boolean subtitles = format.equalsIgnoreCase("srt") || format.equalsIgnoreCase("vtt");
        TranscriptionOptions options = Tasks.SPEECH_TO_TEXT.options(given("language", language, "task", task,
                "timestamps", subtitles ? Boolean.TRUE : timestamps, "vad", vad, "beams", beams));
        TranscriptFormats.render(new Transcript("", null, List.of()), format); // unknown format: fail before loading
        List<Audio> audio = new ArrayList<>();
        for (Path f : files) {
            audio.add(Values.readAudio(f));
        }
        PrintWriter out = out();
        try (Genloom genloom = root.open()) {
            SpeechToText stt = genloom.model(model, SpeechToText.class, family);
            ArrayNode results = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < files.size(); i++) {
                Transcript t;
                try (ProgressBars bar = ProgressBars.open(files.get(i).getFileName().toString(), "ms",
                        ProgressBars.wanted(root.json()))) {
                    long total = Math.round(audio.get(i).durationSeconds() * 1000);
                    t = stt.transcribe(audio.get(i), options, s -> bar.update(Math.round(s.end() * 1000), total));
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
