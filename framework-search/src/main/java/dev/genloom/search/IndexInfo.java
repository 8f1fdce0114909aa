package dev.genloom.search;

/**
 * What an index holds, from its last commit.
 *
 * @param model     the name of the model its passages were embedded with
 * @param dimension the dimension of its vectors
 * @param passages  how many passages it holds
 * @param sources   how many files they come from
 */
public record IndexInfo(String model, int dimension, int passages, int sources) {
}
