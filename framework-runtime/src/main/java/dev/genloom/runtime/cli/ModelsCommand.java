package dev.genloom.runtime.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.store.ModelListing;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "models", description = "List the model folders found in the model directories, and which plugin "
        + "loads each.")
final class ModelsCommand extends RuntimeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        PrintWriter out = out();
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
                            .put("status", m.status().name().toLowerCase(java.util.Locale.ROOT));
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
                        table.row(m.name(), "-", "-", m.path() + "  [" + m.status().name().toLowerCase(java.util.Locale.ROOT)
                                + ": " + m.detail() + "]");
                    }
                }
                table.print(out);
            }
            out.flush();
        }
        return 0;
    }
}
