package dev.genloom.runtime.plugins;

import dev.genloom.api.Model;
import dev.genloom.api.ModelInfo;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;
import org.pf4j.Extension;

import java.util.Optional;
import java.util.Set;

/**
 * A family on the test class path: PF4J's annotation processor lists it in
 * {@code target/test-classes/META-INF/extensions.idx}, so a host that takes families from the
 * class path finds it with the plugin id {@code classpath}.
 */
@Extension
public class ClasspathTestFamily implements ModelFamily {

    public static final String NAME = "classpath-test";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "A family on the test class path";
    }

    @Override
    public Set<Class<? extends Model>> modalities() {
        return Set.of();
    }

    @Override
    public Optional<String> recognize(ModelFolder folder) {
        return folder.has("classpath-test.txt") ? Optional.of("classpath-test.txt") : Optional.empty();
    }

    /** The context of the last {@link #load}, for tests of what the host hands a family. */
    public static volatile ModelContext lastContext;

    /**
     * Loads a model that does nothing, keeping the context for a test to ask (the host hands callers
     * a proxy of the API interfaces only, so the model itself cannot carry it out).
     */
    @Override
    public Model load(ModelContext context) {
        lastContext = context;
        ModelInfo info = context.info();
        return new Model() {
            @Override
            public ModelInfo info() {
                return info;
            }

            @Override
            public void close() {
            }
        };
    }
}
