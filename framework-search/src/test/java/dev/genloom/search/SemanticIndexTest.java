package dev.genloom.search;

import dev.genloom.api.GenloomException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SemanticIndexTest {
    @TempDir
    Path dir;

    final WordsEmbedder model = new WordsEmbedder(64);
    final PassageSplitter splitter = new PassageSplitter(200);

    Path write(String name, String text) throws Exception {
        Path f = dir.resolve("docs").resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }

    SemanticIndex index() {
        return SemanticIndex.at(dir.resolve("index"));
    }

    @Test
    void passagesAreFoundByMeaningWithTheirSources() throws Exception {
        Path a = write("animals.txt", "Elephants live in herds on the savanna.\n\nPenguins swim in cold oceans.");
        Path b = write("cities.md", "Paris has the Eiffel tower.\n\nTokyo has crowded railway stations.");
        write("ignored.bin", "Elephants elephants elephants");
        IndexReport r = index().add("words", model, List.of(dir.resolve("docs")), splitter);
        assertEquals(4, r.passages());
        assertEquals(List.of(a, b), r.files().stream().map(IndexReport.FileReport::source).toList());
        List<SearchHit> hits = index().search("words", model, "where do penguins swim", 3);
        assertEquals(3, hits.size());
        assertEquals("Penguins swim in cold oceans.", hits.get(0).text());
        assertEquals(a, hits.get(0).source());
        assertEquals(1, hits.get(0).position());
        assertTrue(hits.get(0).score() > hits.get(1).score());
        assertTrue(hits.get(0).score() <= 1.0 + 1e-6 && hits.get(0).score() > 0.3, "" + hits.get(0).score());
        IndexInfo info = index().info();
        assertEquals(new IndexInfo("words", 64, 4, 2), info);
    }

    @Test
    void reindexingAChangedFileReplacesItsPassagesAndAnUnchangedOneIsNotEmbeddedAgain() throws Exception {
        Path a = write("a.txt", "Old text about volcanoes.\n\nMore about lava.");
        Path b = write("b.txt", "Rivers flow to the sea.");
        index().add("words", model, List.of(a, b), splitter);
        int before = model.embedded.get();
        write("a.txt", "New text about gardens and flowers.");
        IndexReport r = index().add("words", model, List.of(a, b), splitter);
        assertEquals(2, r.passages());
        assertFalse(r.files().get(0).unchanged());
        assertTrue(r.files().get(1).unchanged());
        assertEquals(1, model.embedded.get() - before, "only the changed file's one passage");
        List<SearchHit> hits = index().search("words", model, "volcanoes lava", 5);
        assertTrue(hits.stream().noneMatch(h -> h.text().contains("volcanoes")), hits.toString());
        assertEquals(2, index().info().passages());
    }

    @Test
    void anIndexOfAnotherModelIsRefusedNamingBoth() throws Exception {
        Path a = write("a.txt", "Some text.");
        index().add("words", model, List.of(a), splitter);
        GenloomException add = assertThrows(GenloomException.class,
                () -> index().add("other-model", model, List.of(a), splitter));
        assertTrue(add.getMessage().contains("words") && add.getMessage().contains("other-model"), add.getMessage());
        GenloomException search = assertThrows(GenloomException.class,
                () -> index().search("other-model", model, "text", 3));
        assertTrue(search.getMessage().contains("built with model words"), search.getMessage());
        GenloomException dims = assertThrows(GenloomException.class,
                () -> index().add("words", new WordsEmbedder(32), List.of(a, write("b.txt", "changed")), splitter));
        assertTrue(dims.getMessage().contains("64 dimensions"), dims.getMessage());
    }

    @Test
    void aFolderThatIsNotAnIndexIsRefusedAndLeftAlone() throws Exception {
        Path notIndex = dir.resolve("index");
        Files.createDirectories(notIndex);
        Files.writeString(notIndex.resolve("notes.txt"), "mine");
        Path a = write("a.txt", "Some text.");
        GenloomException e = assertThrows(GenloomException.class, () -> index().add("words", model, List.of(a), splitter));
        assertTrue(e.getMessage().contains("not a Genloom search index"), e.getMessage());
        assertThrows(GenloomException.class, () -> index().search("words", model, "text", 1));
        try (Stream<Path> s = Files.list(notIndex)) {
            assertEquals(List.of(notIndex.resolve("notes.txt")), s.toList());
        }
        GenloomException missing = assertThrows(GenloomException.class, () -> SemanticIndex.at(dir.resolve("none"))
                .search(null, model, "text", 1));
        assertTrue(missing.getMessage().startsWith("there is no index at"), missing.getMessage());
    }

    @Test
    void anIndexLockedByAnotherWriterIsRefused() throws Exception {
        Path a = write("a.txt", "Some text.");
        index().add("words", model, List.of(a), splitter);
        try (Directory d = FSDirectory.open(dir.resolve("index"));
             IndexWriter other = new IndexWriter(d, new IndexWriterConfig())) {
            GenloomException e = assertThrows(GenloomException.class,
                    () -> index().add("words", model, List.of(write("b.txt", "More.")), splitter));
            assertTrue(e.getMessage().contains("locked by another process"), e.getMessage());
            // searching beside the writer works on the last commit
            assertEquals(1, index().search("words", model, "text", 3).size());
        }
    }

    @Test
    void aFailureHalfWayLeavesTheIndexAsItWas() throws Exception {
        Path a = write("a.txt", "First file about apples.");
        index().add("words", model, List.of(a), splitter);
        Path b = write("b.txt", "Second file about pears.");
        Path c = write("c.txt", "Third file, poison for the model.");
        model.failOn = "poison";
        assertThrows(GenloomException.class, () -> index().add("words", model, List.of(b, c), splitter));
        model.failOn = null;
        assertEquals(1, index().info().passages());
        assertTrue(index().search("words", model, "pears", 5).stream().noneMatch(h -> h.text().contains("pears")));
        // a first build that fails leaves no folder behind
        model.failOn = "poison";
        SemanticIndex fresh = SemanticIndex.at(dir.resolve("fresh"));
        assertThrows(GenloomException.class, () -> fresh.add("words", model, List.of(c), splitter));
        assertFalse(Files.exists(dir.resolve("fresh")));
    }

    @Test
    void emptyFilesGiveAnEmptyIndexAndEmptyResults() throws Exception {
        Path empty = write("empty.txt", "\n\n  \n");
        IndexReport r = index().add("words", model, List.of(empty), splitter);
        assertEquals(0, r.passages());
        assertEquals(List.of(), index().search("words", model, "anything", 5));
        assertEquals(new IndexInfo("words", 64, 0, 0), index().info());
        GenloomException blank = assertThrows(GenloomException.class, () -> index().search("words", model, " ", 5));
        assertTrue(blank.getMessage().contains("query is empty"));
        assertThrows(GenloomException.class, () -> index().search("words", model, "x", 0));
        GenloomException noText = assertThrows(GenloomException.class,
                () -> index().add("words", model, List.of(Files.createDirectories(dir.resolve("void"))), splitter));
        assertTrue(noText.getMessage().contains("holds no text files"), noText.getMessage());
    }
}
