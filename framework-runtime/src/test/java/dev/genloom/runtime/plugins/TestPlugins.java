package dev.genloom.runtime.plugins;

/**
 * Java sources of small test plugins, for {@link PluginJars}. Each family recognises a model
 * folder by a marker file and loads a {@code TextToText} model that answers with the marker's
 * text followed by the prompt.
 */
public final class TestPlugins {

    private TestPlugins() {
    }

    /** The fully qualified class name of the family {@link #family} writes. */
    public static String familyClass(String pkg, String simpleName) {
        return pkg + "." + simpleName;
    }

    /**
     * A family class: name {@code familyName}, recognises folders with {@code <familyName>.txt},
     * loads a model answering "{@code <text of the file>}{@code <prompt>}".
     *
     * @param constructorBody code run in the constructor ("" for none)
     * @param nameBody        the body of {@code name()} (null: return the family name)
     */
    public static String family(String pkg, String simpleName, String familyName, String constructorBody,
                                String nameBody) {
        String name = nameBody != null ? nameBody : "return \"" + familyName + "\";";
        return """
                package %1$s;

                import dev.genloom.api.*;
                import dev.genloom.spi.*;
                import java.nio.file.Files;
                import java.util.*;
                import org.pf4j.Extension;

                @Extension
                public class %2$s implements ModelFamily {
                    public %2$s() { %4$s }
                    @Override public String name() { %5$s }
                    @Override public String description() { return "test family %3$s"; }
                    @Override public Set<Class<? extends Model>> modalities() { return Set.of(TextToText.class); }
                    @Override public Optional<String> recognize(ModelFolder folder) {
                        return folder.has("%3$s.txt") ? Optional.of("%3$s.txt") : Optional.empty();
                    }
                    @Override public Model load(ModelContext context) throws Exception {
                        String text = Files.readString(context.folder().resolve("%3$s.txt"));
                        ModelInfo info = context.info();
                        return new TextToText() {
                            @Override public ModelInfo info() { return info; }
                            @Override public void close() { }
                            @Override public Generation generate(String prompt, TextOptions options, TokenListener listener) {
                                String out = text + prompt;
                                listener.onText(out);
                                return new Generation(out, new long[0], 0, Generation.FinishReason.EOS, 0, 0);
                            }
                        };
                    }
                }
                """.formatted(pkg, simpleName, familyName, constructorBody, name);
    }

    /** A well-behaved family. */
    public static String family(String pkg, String simpleName, String familyName) {
        return family(pkg, simpleName, familyName, "", null);
    }

    /** A good plugin with one family of the same name as the plugin id. */
    public static PluginJars.Builder good(String id) {
        String pkg = "test." + id.replace('-', '_');
        return PluginJars.plugin(id).source(pkg + ".Family", family(pkg, "Family", id));
    }

    /** An {@code org.pf4j.Plugin} whose {@code start()} throws. */
    public static String failingPlugin(String pkg, String simpleName, String message) {
        return """
                package %1$s;

                public class %2$s extends org.pf4j.Plugin {
                    @Override public void start() { throw new IllegalStateException("%3$s"); }
                }
                """.formatted(pkg, simpleName, message);
    }
}
