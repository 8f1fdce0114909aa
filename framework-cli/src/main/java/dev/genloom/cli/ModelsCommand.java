package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.config.GenloomConfig;
import dev.genloom.zoo.catalog.Catalog;
import dev.genloom.zoo.catalog.CatalogEntry;
import dev.genloom.zoo.catalog.CatalogFile;
import picocli.CommandLine.Option;
import dev.genloom.runtime.store.Claimant;
import dev.genloom.runtime.store.ModelListing;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.Locale;

@Command(name = "models", description = "List the model folders found in the model directories, and which plugin "
        + "loads each; with --catalog, the models of the catalog that `genloom fetch` can download.")
final class ModelsCommand extends RuntimeCommand implements Callable<Integer> {
    @Option(names = "--catalog", arity = "0..1", fallbackValue = "", paramLabel = "FILE",
            description = "list the catalog instead (the bundled one, or FILE)")
    String catalog;

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (catalog != null) {
            return listCatalog(out);
        }
        try (Genloom genloom = root.open()) {
            List<ModelListing> models = genloom.listModels();
            if (root.json()) {
                ObjectNode node = JsonNodeFactory.instance.objectNode();
                ArrayNode dirs = node.putArray("directories");
                genloom.config().models().forEach(d -> dirs.add(d.toString()));
                dirs.add(genloom.config().cache().toString());
                ArrayNode list = node.putArray("models");
                for (ModelListing m : models) {
                    ObjectNode o = list.addObject().put("name", m.name()).put("path", m.path().toString())
                            .put("status", m.status().name().toLowerCase(Locale.ROOT));
                    o.put("family", m.family() == null ? null : m.family().name());
                    o.put("plugin", m.family() == null ? null : m.family().pluginId());
                    o.put("detail", m.detail());
                    o.put("shadowed", m.shadowed());
                }
                out.println(node.toPrettyString());
            } else if (models.isEmpty()) {
                out.println("no models in " + genloom.config().models() + " or " + genloom.config().cache());
            } else {
                Table table = new Table("MODEL", "FAMILY", "PLUGIN", "PATH");
                for (ModelListing m : models) {
                    if (m.family() != null) {
                        table.row(m.name() + (m.shadowed() ? " (shadowed)" : ""), m.family().name(),
                                m.family().pluginId(), m.path());
                    } else {
                        // the reason in full is in --json and in the error when the model is used
                        String why = switch (m.status()) {
                            case NO_FAMILY -> "no installed plugin recognises it";
                            case AMBIGUOUS -> "claimed by " + String.join(", ", m.claimants().stream()
                                    .map(Claimant::family).toList()) + "; choose with --family";
                            case UNKNOWN_FAMILY -> "genloom-model.yaml names a family not installed";
                            default -> "unreadable: " + m.detail();
                        };
                        table.row(m.name(), "-", "-", m.path() + "  (" + why + ")");
                    }
                }
                table.print(out);
            }
            out.flush();
        }
        return 0;
    }

    private int listCatalog(PrintWriter out) {
        Catalog cat = catalog.isBlank() ? Catalog.load() : Catalog.load(Path.of(catalog));
        Path cache = GenloomConfig.load(root.config, System.getenv()).cache();
        if (root.json()) {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("catalog", cat.source());
            ArrayNode list = node.putArray("models");
            for (CatalogEntry e : cat.entries()) {
                ObjectNode o = list.addObject().put("name", e.name()).put("task", e.task()).put("family", e.family())
                        .put("repository", e.repository()).put("revision", e.revision()).put("licence", e.licence())
                        .put("description", e.description()).put("default_dtype", e.defaultDtype())
                        .put("cached", Files.isDirectory(cache.resolve(e.repository())));
                ObjectNode dtypes = o.putObject("dtypes");
                for (String d : e.dtypeNames()) {
                    ObjectNode dn = dtypes.putObject(d);
                    OptionalLong total = e.totalSize(d);
                    if (total.isPresent()) {
                        dn.put("size", total.getAsLong());
                    } else {
                        dn.putNull("size");
                    }
                    ArrayNode files = dn.putArray("files");
                    for (CatalogFile f : e.files(d)) {
                        ObjectNode fn = files.addObject().put("path", f.path());
                        if (f.size().isPresent()) {
                            fn.put("size", f.size().getAsLong());
                        } else {
                            fn.putNull("size");
                        }
                        fn.put("sha256", f.sha256().orElse(null));
                    }
                }
            }
            out.println(node.toPrettyString());
        } else {
            Table table = new Table("NAME", "TASK", "FAMILY", "REPOSITORY", "DTYPES", "SIZE", "LICENCE");
            for (CatalogEntry e : cat.entries()) {
                OptionalLong total = e.totalSize(e.defaultDtype());
                table.row(e.name(), e.task(), e.family(), e.repository()
                                + ("main".equals(e.revision()) ? "" : "@" + e.revision()),
                        String.join(",", e.dtypeNames()),
                        total.isPresent() ? FetchCommand.Bars.size(total.getAsLong()) : "?", e.licence());
            }
            table.print(out);
            out.println("SIZE is the default dtype's total where the catalog knows it (? where not). "
                    + "Download one with: genloom fetch NAME [--dtype D]");
        }
        out.flush();
        return 0;
    }
}
