package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.task.Task;
import dev.genloom.api.task.Tasks;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.plugins.LoadedFamily;
import dev.genloom.runtime.plugins.PluginProblem;
import dev.genloom.runtime.plugins.PluginSummary;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "plugins", description = "List the plugins, their model families and what those families do.")
final class PluginsCommand extends RuntimeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        PrintWriter out = out();
        try (Genloom genloom = root.open()) {
            List<LoadedFamily> families = genloom.families();
            if (root.json()) {
                ObjectNode node = JsonNodeFactory.instance.objectNode();
                ArrayNode plugins = node.putArray("plugins");
                for (PluginSummary p : genloom.plugins()) {
                    ObjectNode o = plugins.addObject().put("id", p.id()).put("version", p.version())
                            .put("description", p.description());
                    o.put("path", p.path() == null ? null : p.path().toString());
                    ArrayNode fs = o.putArray("families");
                    for (LoadedFamily f : families) {
                        if (f.pluginId().equals(p.id())) {
                            ObjectNode fo = fs.addObject().put("name", f.name())
                                    .put("description", f.family().description());
                            ArrayNode tasks = fo.putArray("tasks");
                            tasks(f).forEach(t -> tasks.add(t.name()));
                        }
                    }
                }
                ArrayNode problems = node.putArray("problems");
                for (PluginProblem p : genloom.pluginProblems()) {
                    problems.addObject().put("source", p.source()).put("reason", p.reason());
                }
                out.println(node.toPrettyString());
            } else {
                Table table = new Table("PLUGIN", "VERSION", "FAMILY", "TASKS", "FROM");
                for (PluginSummary p : genloom.plugins()) {
                    for (LoadedFamily f : families) {
                        if (f.pluginId().equals(p.id())) {
                            table.row(p.id(), p.version(), f.name(),
                                    String.join(", ", tasks(f).stream().map(Task::name).toList()),
                                    p.path() == null ? "class path" : p.path());
                        }
                    }
                }
                if (table.isEmpty()) {
                    out.println("no plugins found in " + genloom.config().plugins());
                } else {
                    table.print(out);
                }
                if (!genloom.pluginProblems().isEmpty()) {
                    out.println();
                    out.println("not loaded:");
                    for (PluginProblem p : genloom.pluginProblems()) {
                        out.println("  " + p.source() + ": " + p.reason());
                    }
                }
            }
            out.flush();
        }
        return 0;
    }

    /** The tasks a family's models offer. */
    static List<Task<?, ?>> tasks(LoadedFamily f) {
        return Tasks.all().stream()
                .filter(t -> f.family().modalities().stream().anyMatch(t::isOfferedBy))
                .toList();
    }
}
