package dev.genloom.runtime.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.genloom.runtime.plugins.LoadedFamily;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A model name resolved to its folder and the family that loads it.
 *
 * @param name   the model's name: the {@code name} of its {@code genloom-model.yaml}, else its name
 *               under the model directory that holds it ({@code openai/whisper-tiny}), else the
 *               folder's own name
 * @param folder the folder
 * @param family the family that loads it, and its plugin
 * @param reason why this family: its own reason from {@code recognize}, or where it was named
 */
public record ResolvedModel(String name, LocalModelFolder folder, LoadedFamily family, String reason) {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    public ResolvedModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * The {@code options} of the folder's {@code genloom-model.yaml} as plain Java values (maps,
     * lists, strings, numbers, booleans), in file order; empty where there are none. A fresh map
     * on each call, which the caller may change.
     */
    public Map<String, Object> options() {
        JsonNode options = folder.manifest().get("options");
        Map<String, Object> out = new LinkedHashMap<>();
        if (options != null && options.isObject()) {
            options.properties().forEach(e -> out.put(e.getKey(), MAPPER.convertValue(e.getValue(), Object.class)));
        }
        return out;
    }

    @Override
    public String toString() {
        return name + " (" + folder.path() + ", family " + family.name() + " from plugin " + family.pluginId()
                + ": " + reason + ")";
    }
}
