package dev.genloom.runtime.plugins;

import dev.genloom.api.Model;
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

    @Override
    public Model load(ModelContext context) {
        throw new UnsupportedOperationException("the class path test family loads nothing");
    }
}
