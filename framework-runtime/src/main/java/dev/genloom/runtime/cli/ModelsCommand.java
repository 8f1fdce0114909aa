package dev.genloom.runtime.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.store.ModelListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "models", description = "List the model folders found in the model directories, and which plugin "
        + "loads each.")
final class ModelsCommand implements Callable<Integer> {
    @ParentCommand
    GenloomCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Genloom genloom = root.open()) {
            List<ModelListing> models = genloom.listModels();
            if (root.json()) {
                ObjectNode node = JsonNodeFactory.instance.objectNode();
                ArrayNode dirs = node.putArray("directories");
                genloom.config().models().forEach(d -> dirs.add(d.toString()));
                dirs.add(genloom.config().cache().toString());
                ArrayNode list = node.putArray("models");
                for (ModelListing m : models) {
                    ObjectNode o = list.addObject().put("name", m.name()).put("path", m.path().toString());
                    o.put("family", m.family());
                    o.put("plugin", m.plugin());
                    o.put("problem", m.problem());
                }
                out.println(node.toPrettyString());
            } else if (models.isEmpty()) {
                out.println("no models in " + genloom.config().models() + " or " + genloom.config().cache());
            } else {
                Table table = new Table("MODEL", "FAMILY", "PLUGIN", "PATH");
                for (ModelListing m : models) {
                    table.row(m.name(), m.family() == null ? "-" : m.family(),
                            m.plugin() == null ? "(" + m.problem() + ")" : m.plugin(), m.path());
                }
                table.print(out);
            }
            out.flush();
        }
        return 0;
    }
}
