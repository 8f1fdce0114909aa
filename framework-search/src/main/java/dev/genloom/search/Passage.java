package dev.genloom.search;

/**
 * One piece of a text file as it is embedded and stored.
 *
 * @param text     the passage's text
 * @param position its index among the passages of its file, from 0
 * @param offset   where it starts in the file's text, in chars
 */
public record Passage(String text, int position, int offset) {
}
