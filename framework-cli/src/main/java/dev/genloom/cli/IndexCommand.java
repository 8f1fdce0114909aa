package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.TextEmbedder;
import dev.genloom.runtime.Genloom;
import dev.genloom.search.IndexInfo;
import dev.genloom.search.IndexReport;
import dev.genloom.search.PassageSplitter;
import dev.genloom.search.SemanticIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code genloom index}: text files into passages, embedded and stored in a Lucene index folder. */
@Command(name = "index", description = "Split text files into passages, embed them and store them in a search index.")
final class IndexCommand extends RuntimeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "the embedding model (a folder in the model directories, or a path)")
    String model;

    @Option(names = "--family", paramLabel = "FAMILY",
            description = "the family to load the model with, where several plugins claim its folder")
    String family;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "the index folder (created where missing)")
    Path index;

    @Option(names = "--max-chars", paramLabel = "N", description = "longest passage in characters (default: "
            + PassageSplitter.DEFAULT_MAX_CHARS + ")")
    Integer maxChars;

    @Parameters(arity = "1..*", paramLabel = "FILE|FOLDER", description = "text files, or folders of them "
            + "(.txt, .md, .rst, ...)")
    List<Path> files;

    @Override
    public Integer call() {
        PassageSplitter splitter = maxChars == null ? new PassageSplitter() : new PassageSplitter(maxChars);
        SemanticIndex target = SemanticIndex.at(index);
        doing("checking index " + index);
        target.checkAddable(model);
        try (Genloom genloom = root.open()) {
            doing("loading model " + model);
            TextEmbedder m = genloom.model(model, TextEmbedder.class, family);
            doing("indexing " + files.size() + " path(s) into " + index + " with model " + model);
            IndexReport report = target.add(model, m, files, splitter);
            IndexInfo info = target.info();
            print(report, info);
        }
        return 0;
    }

    private void print(IndexReport report, IndexInfo info) {
        PrintWriter out = out();
        if (root.json()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("index", index.toString()).put("model", info.model())
                    .put("dimension", info.dimension()).put("passages", info.passages()).put("sources", info.sources())
                    .put("embedded", report.embedded());
            ArrayNode fs = o.putArray("files");
            for (IndexReport.FileReport f : report.files()) {
                fs.addObject().put("file", f.source().toString()).put("passages", f.passages())
                        .put("unchanged", f.unchanged());
            }
            out.println(o.toPrettyString());
        } else {
            for (IndexReport.FileReport f : report.files()) {
                out.println((f.unchanged() ? "unchanged " : "indexed   ") + f.passages() + " passage"
                        + (f.passages() == 1 ? "  " : "s ") + f.source());
            }
            out.println("index " + index + ": " + info.passages() + " passages from " + info.sources() + " file"
                    + (info.sources() == 1 ? "" : "s") + " (model " + info.model() + ", " + info.dimension()
                    + " dimensions)");
        }
        out.flush();
    }
}
