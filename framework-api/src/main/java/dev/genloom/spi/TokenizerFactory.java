package dev.genloom.spi;

import java.nio.file.Path;

/** Loads tokenizers offline from {@code tokenizer.json} files. */
public interface TokenizerFactory {

    /** Loads a {@code tokenizer.json}; a missing or unreadable file is an error naming it. */
    Tokenizer load(Path tokenizerJson);
}
