package dev.genloom.runtime.config;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.genloom.api.io.UserFiles;
import org.yaml.snakeyaml.LoaderOptions;

import java.nio.file.Path;

/**
 * The YAML files Genloom reads ({@code genloom.yaml}, pipelines, {@code genloom-model.yaml}):
 * one size limit, checked by the file's size before anything is read, and parsers that accept
 * exactly that much.
 *
 * <p>The limit is SnakeYAML's own default ({@link LoaderOptions#getCodePointLimit()}, 3 MiB of
 * code points), taken as bytes: a UTF-8 file of at most that many bytes never holds more code
 * points, so the parser never stops on a file this class let through, and a larger file is
 * refused at once rather than read whole first.
 */
public final class YamlFiles {
    /** The largest YAML file read, in bytes: SnakeYAML's default code-point limit. */
    public static final int MAX_BYTES = new LoaderOptions().getCodePointLimit();

    private YamlFiles() {
    }

    /** A YAML factory with Jackson's defaults whose parsers accept {@link #MAX_BYTES} code points. */
    public static YAMLFactory factory() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_BYTES);
        // rebuilt from a plain factory: YAMLFactory.builder() starts without some of its defaults
        // (an empty value would read as "" rather than null)
        return new YAMLFactory().rebuild().loaderOptions(options).build();
    }

    /**
     * The text of a YAML file, read as UTF-8: a missing or unreadable file, one over
     * {@link #MAX_BYTES} and one that is not UTF-8 text are refused with a message in words.
     *
     * @param what what the caller calls the file ("pipeline file", "configuration file")
     */
    public static String read(Path file, String what) {
        return UserFiles.readUtf8(file, what, MAX_BYTES, "that is the YAML parser's limit; is it the right file?");
    }
}
