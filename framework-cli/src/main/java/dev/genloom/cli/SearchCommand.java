package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.TextEmbedder;
import dev.genloom.runtime.Genloom;
import dev.genloom.search.IndexInfo;
import dev.genloom.search.SearchHit;
import dev.genloom.search.SemanticIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code genloom search}: the passages of an index most like a query, with scores and sources. */
@Command(name = "search", description = "Find the passages of a search index most like a query.")
final class SearchCommand extends RuntimeCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = "DIR", description = "the index folder genloom index wrote")
    Path index;

    @Option(names = "-k", paramLabel = "N", defaultValue = "5", description = "how many passages (default: 5)")
    int k;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
            description = "the embedding model (default: the one the index was built with; another is refused)")
    String model;

    @Option(names = "--family", paramLabel = "FAMILY",
            description = "the family to load the model with, where several plugins claim its folder")
    String family;

    @Parameters(arity = "1..*", paramLabel = "QUERY", description = "what to look for (several words are one query)")
    List<String> query;

    @Override
    public Integer call() {
        SemanticIndex source = SemanticIndex.at(index);
        doing("reading index " + index);
        IndexInfo info = source.info();
        String name = model != null ? model : info.model();
        source.checkSearchable(name);
        String q = String.join(" ", query);
        try (Genloom genloom = root.open()) {
            List<SearchHit> hits;
            if (info.passages() == 0) {
                hits = source.search(name, null, q, k);
            } else {
                doing("loading model " + name);
                TextEmbedder m = genloom.model(name, TextEmbedder.class, family);
                doing("searching " + index);
                hits = source.search(name, m, q, k);
            }
            print(name, q, hits);
        }
        return 0;
    }

    private void print(String name, String q, List<SearchHit> hits) {
        PrintWriter out = out();
        if (root.json()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("index", index.toString()).put("model", name)
                    .put("query", q);
            ArrayNode a = o.putArray("hits");
            int rank = 1;
            for (SearchHit h : hits) {
                a.addObject().put("rank", rank++).put("score", h.score()).put("source", h.source().toString())
                        .put("position", h.position()).put("offset", h.offset()).put("text", h.text());
            }
            out.println(o.toPrettyString());
        } else if (hits.isEmpty()) {
            err().println("genloom: index " + index + " holds no passages");
            err().flush();
        } else {
            int rank = 1;
            for (SearchHit h : hits) {
                out.println(String.format(Locale.ROOT, "%d. %.4f  %s #%d", rank++, h.score(), h.source(), h.position()));
                out.println("   " + h.text());
            }
        }
        out.flush();
    }
}
