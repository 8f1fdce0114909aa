package dev.genloom.search;

import java.nio.file.Path;

/**
 * A passage found for a query.
 *
 * @param score    the cosine similarity of the query and the passage, in [-1, 1]
 * @param source   the file the passage comes from, as indexed (absolute)
 * @param position the passage's index among its file's passages
 * @param offset   where it starts in the file's text, in chars
 * @param text     the passage
 */
public record SearchHit(double score, Path source, int position, int offset, String text) {
}
