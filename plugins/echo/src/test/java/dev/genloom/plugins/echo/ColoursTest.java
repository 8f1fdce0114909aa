package dev.genloom.plugins.echo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColoursTest {
    private static int index(String name) {
        return java.util.Arrays.asList(Colours.NAMES).indexOf(name);
    }

    @Test
    void findsTheFirstColourWordAsAWholeWord() {
        assertEquals(index("blue"), Colours.find("A Blue whale near a red boat"));
        assertEquals(-1, Colours.find("a reddish bluebird"));
        assertEquals(index("red"), Colours.find("red."));
    }

    @Test
    void nearestColourOfEachTableEntryIsItself() {
        for (int i = 0; i < Colours.RGB.length; i++) {
            assertEquals(i, Colours.nearest(Colours.RGB[i][0], Colours.RGB[i][1], Colours.RGB[i][2]));
        }
    }

    @Test
    void mentionsIgnoresCase() {
        assertTrue(Colours.mentions("no GREEN please", index("green")));
        assertFalse(Colours.mentions("evergreen", index("green")));
    }
}
