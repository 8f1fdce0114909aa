package dev.genloom.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class GenloomVersionTest {

    /**
     * The version read at run time is this module's Maven version, and the root pom's
     * {@code genloom.version} (what modules and plugins depend on) is the same: surefire passes
     * both.
     */
    @Test
    void theVersionReadAtRunTimeIsTheProjectVersionAndGenloomVersionMatchesIt() {
        String projectVersion = System.getProperty("genloom.test.project.version");
        String genloomVersion = System.getProperty("genloom.test.genloom.version");
        assertNotNull(projectVersion, "run through Maven: surefire sets genloom.test.project.version");
        assertEquals(projectVersion, GenloomVersion.current());
        assertEquals(projectVersion, genloomVersion, "the root pom's genloom.version must equal the project "
                + "version: change both together");
    }
}
