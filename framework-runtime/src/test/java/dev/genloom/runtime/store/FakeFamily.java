package dev.genloom.runtime.store;

import dev.genloom.api.Model;
import dev.genloom.api.TextToText;
import dev.genloom.runtime.plugins.LoadedFamily;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** An in-process family that recognises folders by a rule; it counts how often it is asked. */
final class FakeFamily implements ModelFamily {
    private final String name;
    private final Function<ModelFolder, Optional<String>> rule;
    final AtomicInteger asked = new AtomicInteger();

    FakeFamily(String name, Function<ModelFolder, Optional<String>> rule) {
        this.name = name;
        this.rule = rule;
    }

    /** Recognises config.json model_type {@code type} with at least one ONNX file. */
    static FakeFamily byModelType(String name, String type) {
        return new FakeFamily(name, f -> {
            boolean onnx = f.files().stream().anyMatch(x -> x.endsWith(".onnx"));
            return type.equals(f.config().path("model_type").asText()) && onnx
                    ? Optional.of("config.json model_type " + type) : Optional.empty();
        });
    }

    static FakeFamily diffusion() {
        return new FakeFamily("stable-diffusion", f -> f.has("model_index.json") && f.has("unet/model.onnx")
                ? Optional.of("model_index.json, unet/model.onnx") : Optional.empty());
    }

    LoadedFamily in(String pluginId) {
        return new LoadedFamily(pluginId, this);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "fake " + name;
    }

    @Override
    public Set<Class<? extends Model>> modalities() {
        return Set.of(TextToText.class);
    }

    @Override
    public Optional<String> recognize(ModelFolder folder) {
        asked.incrementAndGet();
        return rule.apply(folder);
    }

    @Override
    public Model load(ModelContext context) {
        throw new UnsupportedOperationException("fake family " + name + " loads nothing");
    }
}
